using System.Diagnostics;
using System.Text;

namespace Jobs.Tests;

/// <summary>The jobs module (Quartz on the shared database, the dispatcher, the file transport) as a real process.</summary>
public sealed class JobsProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private JobsProcess(Process process) => _process = process;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public bool HasExited => _process.HasExited;

    public static JobsProcess Start(TempDatabase db, string instanceId, params string[] extra) =>
        Launch(db, "Jobs.TestHost.dll",
        [
            $"--ConnectionStrings:Portal={db.ConnectionString}", $"--Jobs:OutboxPath={db.Outbox}",
            $"--Jobs:InstanceId={instanceId}", "--Jobs:DispatchIntervalSeconds=1",
            $"--Test:SendLog={Path.Combine(db.Folder, "sends.log")}",
            .. extra,
        ]);

    /// <summary>The product itself (Portal.Host.dll, roles all), without demo data, on a loopback port the system picks (port 0).</summary>
    public static JobsProcess StartPortalHost(TempDatabase db, params string[] extra) =>
        Launch(db, "Portal.Host.dll",
        [
            "--urls=http://127.0.0.1:0", $"--ConnectionStrings:Portal={db.ConnectionString}", "--Demo:Seed=false",
            $"--Identity:OutboxPath={db.Outbox}", "--Jobs:DispatchIntervalSeconds=1", "--Jobs:InstanceId=portal-host",
            .. extra,
        ]);

    private static JobsProcess Launch(TempDatabase db, string dll, string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = db.Folder,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = info };
        var host = new JobsProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (host._output) host._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (host._output) host._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>kill -9: no shutdown hooks, no flushing.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }

    /// <summary>Polls until <paramref name="done"/> holds, or fails with the process output after <paramref name="timeout"/>.</summary>
    public static async Task Until(Func<bool> done, TimeSpan timeout, Func<string> describe)
    {
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            if (watch.Elapsed > timeout)
                Assert.Fail($"Timed out after {timeout}. {describe()}");
            await Task.Delay(100);
        }
    }
}
