using System.Diagnostics;
using System.Net;
using System.Text;

namespace Portal.Host.Tests;

/// <summary>
/// Portal.Host as a real process (dotnet Portal.Host.dll) on a loopback port of its own, for what only a
/// process can show: start-up failures, and surviving kill -9.
/// <para>
/// The host binds port 0 and the test reads the port it got from its "Now listening on" line. A port picked by the
/// test and handed over could be taken by another test's host in between, and then this test would have talked to
/// that host, which answers <c>/health/ready</c> and knows the same test client.
/// </para>
/// </summary>
public sealed class HostProcess : IDisposable
{
    private const string ListeningLine = "Now listening on: ";

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process) => _process = process;

    /// <summary>The address this process listens on; known once it has started listening (after <see cref="WaitUntilReadyAsync"/>).</summary>
    public Uri BaseAddress => _address.Task.IsCompletedSuccessfully
        ? _address.Task.Result
        : throw new InvalidOperationException("The host has not said where it listens yet: call WaitUntilReadyAsync first");

    public string StandardOutput { get { lock (_stdout) return _stdout.ToString(); } }

    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }

    public static HostProcess Start(string workingDirectory, params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Portal.Host.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls=http://127.0.0.1:0");
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        var process = new Process { StartInfo = info };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (host._stdout)
                host._stdout.AppendLine(e.Data);
            if (e.Data.IndexOf(ListeningLine, StringComparison.Ordinal) is var at and >= 0)
                host._address.TrySetResult(new Uri(e.Data[(at + ListeningLine.Length)..].Trim()));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (host._stderr) host._stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public const string TestClientId = "test-his";
    public const string TestClientSecret = "test-his-secret-0123456789";

    /// <summary>Registers the test HIS client (client_secret_basic, system/*.cruds) with the host's CLI in that working directory.</summary>
    public static void RegisterTestClient(string workingDirectory)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Portal.Host.dll"), "clients", "add", "--id", TestClientId, "--name", "Test HIS",
                     "--auth", "client_secret_basic", "--secret", TestClientSecret, "--scopes", "system/*.cruds" })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"clients add failed ({process.ExitCode}): {output}");
    }

    /// <summary>A client_credentials token for the test HIS client through the real token endpoint.</summary>
    public static async Task<string> RequestSystemTokenAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "system/*.cruds" }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestClientId}:{TestClientSecret}")));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"no token: {(int)response.StatusCode} {body}");
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>An HttpClient on this host that carries a system token.</summary>
    public async Task<HttpClient> CreateAuthorizedClientAsync()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await RequestSystemTokenAsync(client));
        return client;
    }

    public async Task<bool> WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_address.Task.IsCompleted)
        {
            if (_process.HasExited || DateTime.UtcNow >= deadline)
                return false;
            await Task.WhenAny(_address.Task, Task.Delay(200));
        }
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                return false;
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                    return true;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        return false;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            KillHard();
        _process.Dispose();
    }
}

public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "portal-host-tests", Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
