using System.Net;
using Microsoft.AspNetCore.Http;

namespace ImageTrust.TestSupport.Emulators;

/// <summary>Passes one request through to an emulator and its answer back, for the proxies tests put in front of emulators.</summary>
internal static class EmulatorForwarding
{
    /// <summary>Forwards <paramref name="context"/>'s request to <paramref name="http"/>'s base address, writes the answer back and returns it.</summary>
    public static async Task<(HttpStatusCode Status, byte[] Body)> ForwardAsync(HttpClient http, HttpContext context)
    {
        var request = context.Request;
        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + request.QueryString);
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        if (body.Length > 0 || request.ContentLength is not null)
        {
            forward.Content = new ByteArrayContent(body.ToArray());
            forward.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType ?? "application/json");
        }

        using var response = await http.SendAsync(forward, context.RequestAborted);
        var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
        return (response.StatusCode, answer);
    }
}
