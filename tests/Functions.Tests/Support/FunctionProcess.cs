using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace ImageTrust.Functions.Tests.Support;

/// <summary>A published function as its own process (as Cloud Run runs it), and what /proc says about it.</summary>
internal static class FunctionProcess
{
    /// <summary>Publishes <paramref name="name"/> with <c>scripts/run-function --publish-only</c> (when stale).</summary>
    /// <returns>The app's path and how it was built (<c>aot</c> or <c>r2r</c>).</returns>
    public static (string App, string Mode) Publish(string name)
    {
        var app = Run(Path.Combine(RepositoryRoot.Path, "scripts", "run-function"), "--publish-only", name).Trim();
        return (app, File.ReadAllText(Path.Combine(Path.GetDirectoryName(app)!, ".built")).Trim());
    }

    /// <summary>Starts <paramref name="app"/> with <paramref name="variables"/> on a loopback port and waits until it listens.</summary>
    public static async Task<Process> StartAsync(string app, IReadOnlyDictionary<string, string?> variables, int port)
    {
        var info = new ProcessStartInfo(app) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in variables)
        {
            info.Environment[name] = value;
        }

        info.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        info.Environment["IMAGETRUST_LISTEN_ADDRESS"] = "127.0.0.1";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (!await ListeningAsync(port))
        {
            Assert.False(process.HasExited, $"{app} exited before listening");
        }

        return process;
    }

    /// <summary>True when something accepts connections on the loopback port (waits 2 ms when not).</summary>
    public static async Task<bool> ListeningAsync(int port)
    {
        try
        {
            using var socket = new System.Net.Sockets.TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            await Task.Delay(2);
            return false;
        }
    }

    /// <summary>User plus system CPU the process has used (<c>/proc/PID/stat</c> utime + stime), in milliseconds.</summary>
    public static double CpuMilliseconds(Process process)
    {
        var stat = File.ReadAllText($"/proc/{process.Id}/stat");
        // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 1000.0 / ClockTicksPerSecond();
    }

    private static long ClockTicksPerSecond() => long.Parse(Run("getconf", "CLK_TCK").Trim(), CultureInfo.InvariantCulture);

    private static string Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} failed: {error.Result}");
        return output;
    }
}
