using ImageTrust.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Hosting;

/// <summary>
/// The host's only request handler (every path): decodes the delivery, calls the function in its own service scope and maps the
/// outcome to the status Pub/Sub and Eventarc act on — 204 done; 200 permanently bad input, including a named event whose
/// message is malformed and an oversized body (acknowledged, logged, alerted); 503 transient failure or inner timeout
/// (redelivered); 500 anything else; 400 a request that is not an event at all.
/// </summary>
internal sealed class FunctionRequestHandler
{
    /// <summary>Seconds suggested in <c>Retry-After</c> on 503.</summary>
    public const int RetryAfterSeconds = 10;

    private static readonly string[] s_notFoundPaths = ["/robots.txt", "/favicon.ico"];

    private readonly FunctionRegistration _function;
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly IPushTokenValidator? _tokenValidator;
    private readonly ILogger<FunctionRequestHandler> _logger;
    private readonly long _maxRequestBodyBytes;
    private readonly RequestBodyBudget _bodyBudget;

    /// <summary>Creates the handler.</summary>
    /// <param name="function">The function to call.</param>
    /// <param name="scopeFactory">Creates one service scope per request.</param>
    /// <param name="tokenValidator">Checks push OIDC tokens; null when verification is off.</param>
    /// <param name="logger">The host's logger.</param>
    /// <param name="maxRequestBodyBytes">The request body bound.</param>
    /// <param name="bodyBudget">The bytes all requests together may buffer; holds at least one body of the bound.</param>
    public FunctionRequestHandler(
        FunctionRegistration function,
        IServiceScopeFactory scopeFactory,
        IPushTokenValidator? tokenValidator,
        ILogger<FunctionRequestHandler> logger,
        long maxRequestBodyBytes,
        RequestBodyBudget bodyBudget)
    {
        _function = function;
        _scopeFactory = scopeFactory;
        _tokenValidator = tokenValidator;
        _logger = logger;
        _maxRequestBodyBytes = maxRequestBodyBytes;
        _bodyBudget = bodyBudget;
    }

    /// <summary>Handles one request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var response = context.Response;
        if (Array.Exists(s_notFoundPaths, p => string.Equals(p, request.Path.Value, StringComparison.OrdinalIgnoreCase)))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "POST";
            return;
        }

        using var traceScope = _logger.BeginScope(new RequestLogScope(TraceContext.FromHeaders(request.Headers), null));
        var cancellationToken = context.RequestAborted;
        try
        {
            if (_tokenValidator is not null && !await IsAuthorizedAsync(request, cancellationToken).ConfigureAwait(false))
            {
                response.StatusCode = StatusCodes.Status401Unauthorized;
                response.Headers.WWWAuthenticate = "Bearer";
                return;
            }

            if (request.ContentLength > _maxRequestBodyBytes)
            {
                response.StatusCode = await AcknowledgeOversizedAsync(request, cancellationToken).ConfigureAwait(false);
                return;
            }

            // The reservation covers the body and, after it is dropped, the message decoded from it (smaller than its base64),
            // so it is held until the function returns.
            using var lease = await _bodyBudget.ReserveAsync(BufferedRequestBody.ReservationFor(request.ContentLength, _maxRequestBodyBytes), cancellationToken).ConfigureAwait(false);
            if (lease is null)
            {
                RefuseOverBudget(response, request.ContentLength);
                return;
            }

            FunctionEvent functionEvent;
            var (body, status) = await BufferedRequestBody.ReadAsync(request, _maxRequestBodyBytes, lease, cancellationToken).ConfigureAwait(false);
            using (body)
            {
                if (status == BodyReadStatus.TooLarge)
                {
                    response.StatusCode = await AcknowledgeOversizedAsync(request, cancellationToken).ConfigureAwait(false);
                    return;
                }

                if (body is null)
                {
                    RefuseOverBudget(response, null);
                    return;
                }

                try
                {
                    functionEvent = CloudEventRequestDecoder.Decode(request.Headers, body.Content);
                }
                catch (MalformedDeliveryException ex)
                {
                    response.StatusCode = await AcknowledgeWithAlertAsync(ex, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (FormatException ex)
                {
                    _logger.LogWarning("Request rejected: undecodable event: {Reason}", ex.Message);
                    response.StatusCode = StatusCodes.Status400BadRequest;
                    return;
                }
            }

            response.StatusCode = await InvokeAsync(functionEvent, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == StatusCodes.Status503ServiceUnavailable)
            {
                response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _logger.LogInformation("Request abandoned by the caller");
        }
        catch (BadHttpRequestException ex)
        {
            _logger.LogWarning("Request rejected: {Reason}", ex.Message);
            response.StatusCode = ex.StatusCode;
        }
        catch (TransientFailureException ex)
        {
            _logger.LogWarning(ex, "Request not processed (transient): {Reason}", ex.Message);
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private async Task<int> InvokeAsync(FunctionEvent functionEvent, CancellationToken cancellationToken)
    {
        var cloudEvent = functionEvent.CloudEvent;
        var message = functionEvent.Data.Message;
        using var eventScope = _logger.BeginScope(new RequestLogScope(null, cloudEvent.Id));
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            try
            {
                var function = _function.Resolve(scope.ServiceProvider);
                await function.HandleAsync(cloudEvent, functionEvent.Data, cancellationToken).ConfigureAwait(false);
                return StatusCodes.Status204NoContent;
            }
            catch (PermanentInputException ex)
            {
                _logger.LogWarning(
                    "Message {MessageId} acknowledged without processing: {ReasonCode}: {Detail}",
                    message.MessageId,
                    ex.ReasonCode,
                    ex.Message);
                var alert = new PermanentFailureAlert(
                    ex.ReasonCode,
                    ex.Message,
                    _function.Name,
                    cloudEvent.Source?.ToString() ?? string.Empty,
                    cloudEvent.Id ?? message.MessageId,
                    message.MessageId,
                    message.Attributes);
                return await AlertAsync(scope.ServiceProvider, alert, cancellationToken).ConfigureAwait(false);
            }
            catch (TransientFailureException ex)
            {
                _logger.LogWarning(ex, "Message {MessageId} to be redelivered (transient failure): {Reason}", message.MessageId, ex.Message);
                return StatusCodes.Status503ServiceUnavailable;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException ex)
            {
                // Not our caller giving up: an inner timeout (an HttpClient deadline), which may pass on redelivery.
                _logger.LogWarning(ex, "Message {MessageId} to be redelivered (timed out)", message.MessageId);
                return StatusCodes.Status503ServiceUnavailable;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Message {MessageId} failed with an unexpected error", message.MessageId);
                return StatusCodes.Status500InternalServerError;
            }
        }
    }

    private async Task<int> AcknowledgeWithAlertAsync(MalformedDeliveryException delivery, CancellationToken cancellationToken)
    {
        _logger.LogWarning(
            "Delivery {EventId} (message {MessageId}) acknowledged without processing: {ReasonCode}: {Detail}",
            delivery.EventId,
            delivery.MessageId,
            delivery.ReasonCode,
            delivery.Message);
        var alert = new PermanentFailureAlert(delivery.ReasonCode, delivery.Message, _function.Name, delivery.EventSource, delivery.EventId, delivery.MessageId, new Dictionary<string, string>());
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            return await AlertAsync(scope.ServiceProvider, alert, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> AlertAsync(IServiceProvider services, PermanentFailureAlert alert, CancellationToken cancellationToken)
    {
        try
        {
            var alerter = services.GetRequiredService<IPermanentFailureAlerter>();
            await alerter.AlertAsync(alert, cancellationToken).ConfigureAwait(false);
            // 200, not 202: the Pub/Sub emulator redelivers on 202 (real Pub/Sub acks both), and a permanent failure must never loop.
            return StatusCodes.Status200OK;
        }
        catch (TransientFailureException ex)
        {
            // Acknowledging now would lose the alert; a redelivery reaches the same verdict and alerts again.
            _logger.LogWarning(ex, "Alert for message {MessageId} not delivered (transient); asking for redelivery", alert.MessageId);
            return StatusCodes.Status503ServiceUnavailable;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(ex, "Alert for message {MessageId} failed", alert.MessageId);
            return StatusCodes.Status500InternalServerError;
        }
    }

    private async Task<bool> IsAuthorizedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        const string scheme = "Bearer ";
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length == scheme.Length)
        {
            _logger.LogWarning("Request rejected: no bearer token");
            return false;
        }

        if (!await _tokenValidator!.IsValidAsync(authorization[scheme.Length..].Trim(), cancellationToken).ConfigureAwait(false))
        {
            _logger.LogWarning("Request rejected: push token invalid for this audience or service account");
            return false;
        }

        return true;
    }

    /// <summary>An oversized body: redelivery could never succeed, so it is acknowledged and alerted (naming the event when its headers do).</summary>
    private Task<int> AcknowledgeOversizedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var oversized = new MalformedDeliveryException(
            DeliveryReasons.PayloadTooLarge,
            $"request body larger than {_maxRequestBodyBytes} bytes",
            request.Headers[CloudEventWire.BinaryHeaderPrefix + "source"].ToString(),
            request.Headers[CloudEventWire.BinaryHeaderPrefix + "id"].ToString(),
            string.Empty);
        return AcknowledgeWithAlertAsync(oversized, cancellationToken);
    }

    /// <summary>The process holds as many request bodies as its budget allows: 503, so Pub/Sub delivers this one again later.</summary>
    private void RefuseOverBudget(HttpResponse response, long? contentLength)
    {
        _logger.LogWarning(
            "Request refused (503): request bodies in memory already hold the budget of {BudgetBytes} bytes; waited {WaitSeconds} s for {ContentLength} bytes",
            _bodyBudget.CapacityBytes,
            _bodyBudget.MaxWait.TotalSeconds,
            contentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "chunked");
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
