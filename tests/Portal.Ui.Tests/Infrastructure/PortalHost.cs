using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portal.Ui.Tests.Infrastructure;

/// <summary>
/// The real Portal.Host as a process, from its own build output, on a fresh data folder with the demo
/// practice: SQLite file, outbox (SMS and e-mail as files) and data-protection keys all in a temp folder.
/// A HIS client is registered through the host's CLI before start.
/// </summary>
public sealed partial class PortalHost : IAsyncLifetime
{
    public const string HisClient = "ui-tests-his";
    public const string HisSecret = "ui-tests-his-secret-0123456789";
    public const string Password = "Welkom2026";

    private readonly string[] _settings;
    private readonly bool _ownsData = true;
    private Process? _process;

    /// <param name="settings">Extra command-line settings, e.g. --Portal:Roles=fhir.</param>
    public PortalHost(params string[] settings) => _settings = settings;

    private PortalHost(string dataDirectory, string[] settings) : this(settings)
    {
        DataDirectory = dataDirectory;
        _ownsData = false;
    }

    /// <summary>A second instance on the same database, outbox and cookie keys as <paramref name="first"/> (as instances behind a load balancer).</summary>
    public static PortalHost SecondInstance(PortalHost first, params string[] settings) => new(first.DataDirectory, settings);

    private readonly StringBuilder _log = new();

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "portal-ui-tests", Guid.NewGuid().ToString("N"));
    public string Outbox => Path.Combine(DataDirectory, "data", "outbox");
    public Uri BaseAddress { get; private set; } = default!;

    public string Log { get { lock (_log) return _log.ToString(); } }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        if (_ownsData)
            Run(["clients", "add", "--id", HisClient, "--name", "Test HIS", "--auth", "client_secret_basic", "--secret", HisSecret, "--scopes", "system/*.cruds"], wait: true);
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _process = Run([$"--urls={BaseAddress.ToString().TrimEnd('/')}", "--Demo:SlotDays=1", "--Jobs:DispatchIntervalSeconds=1", "--Jobs:RetryBaseSeconds=1",
            "--Identity:RateLimit:LoginPerMinute=100000", "--Identity:RateLimit:TokenPerMinute=100000", .. _settings], wait: false);
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Portal.Host stopped ({_process.ExitCode}):\n{Log}");
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"Portal.Host did not become ready:\n{Log}");
    }

    /// <summary>The host's own build output next to this test project's (same configuration).</summary>
    private static string HostDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var repo = output;
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "Portal.sln")))
            repo = repo.Parent;
        var dll = Path.Combine(repo!.FullName, "src", "Portal.Host", "bin", configuration, framework, "Portal.Host.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build src/Portal.Host first", dll);
    }

    private Process Run(string[] arguments, bool wait)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = DataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostDll());
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (wait)
        {
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"Portal.Host {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{Log}");
        }
        return process;
    }

    /// <summary>The names of the SMS files to <paramref name="phone"/> so far (to tell a new one from older ones).</summary>
    public IReadOnlySet<string> SmsFiles(string phone) =>
        (Directory.Exists(Outbox) ? Directory.GetFiles(Outbox, $"*-sms-{phone}-*").Select(Path.GetFileName).OfType<string>() : []).ToHashSet(StringComparer.Ordinal);

    /// <summary>The 6-digit code of the first SMS to <paramref name="phone"/> that is not in <paramref name="before"/>.</summary>
    public async Task<string> SmsCodeAsync(string phone, IReadOnlySet<string> before)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var file = SmsFiles(phone).Except(before).OrderBy(f => f, StringComparer.Ordinal).LastOrDefault();
            if (file is not null && SmsCode().Match(await File.ReadAllTextAsync(Path.Combine(Outbox, file))) is { Success: true } match)
                return match.Groups[1].Value;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No new SMS to {phone} in {Outbox}");
    }

    /// <summary>Files in the outbox whose name contains <paramref name="part"/> (e.g. an e-mail address), newest last.</summary>
    public IReadOnlyList<FileInfo> OutboxFiles(string part) =>
        Directory.Exists(Outbox) ? new DirectoryInfo(Outbox).GetFiles($"*{part}*").OrderBy(f => f.Name, StringComparer.Ordinal).ToList() : [];

    /// <summary>An HttpClient for the HIS, with a system token from the real token endpoint.</summary>
    public async Task<HttpClient> HisClientAsync()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "system/*.cruds" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{HisClient}:{HisSecret}")));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString());
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (!_ownsData)
            return;
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A free loopback port in 5150-5199 (the range this suite may use on a shared machine).</summary>
    private static int FreePort()
    {
        foreach (var port in Enumerable.Range(5150, 50).OrderBy(_ => Random.Shared.Next()))
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("No free port in 5150-5199");
    }

    [GeneratedRegex(@"is (\d{6})\.")]
    private static partial Regex SmsCode();
}
