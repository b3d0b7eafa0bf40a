using System.Diagnostics;
using Fhir.Server.Store;
using Jobs;
using Microsoft.Extensions.Configuration;
using Jobs.Notifications;
using Jobs.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// Arguments: the usual configuration (--ConnectionStrings:Portal=..., --Jobs:...) plus
// --Test:SendLog=<file> (one line per transport call) and --Test:CrashAfterSends=<n>
// (kill this process right after the n-th send, before it is marked sent) and --Test:SendDelayMs=<ms>.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var database = new JobsDatabase(builder.Configuration.GetConnectionString("Portal")!);
using (var connection = database.Open())
{
    using (var wal = connection.CreateCommand())
    {
        wal.CommandText = "PRAGMA journal_mode = WAL;";
        wal.ExecuteNonQuery();
    }
    new SchemaMigrator(NullLogger<SchemaMigrator>.Instance).Apply(connection, JobsDatabase.Migrations, immediateTransactions: true);
}

var sendLog = builder.Configuration["Test:SendLog"];
var crashAfter = int.TryParse(builder.Configuration["Test:CrashAfterSends"], out var n) ? n : int.MaxValue;
var delay = TimeSpan.FromMilliseconds(int.TryParse(builder.Configuration["Test:SendDelayMs"], out var ms) ? ms : 0);
var instance = builder.Configuration["Jobs:InstanceId"] ?? Environment.ProcessId.ToString();
builder.Services.AddSingleton<INotificationTransport>(sp =>
{
    var outbox = builder.Configuration["Jobs:OutboxPath"]!;
    return new Recording(new FileNotificationTransport(outbox), sendLog, crashAfter, instance, delay);
});
builder.Services.AddPortalJobs(builder.Configuration);
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("started");
await host.WaitForShutdownAsync();

sealed class Recording(INotificationTransport inner, string? log, int crashAfter, string instance, TimeSpan delay) : INotificationTransport
{
    private int _sends;

    public bool IsIdempotentFor(NotificationKind kind) => inner.IsIdempotentFor(kind);

    public async Task SendAsync(OutgoingNotification notification, CancellationToken ct)
    {
        await Task.Delay(delay, ct);
        await inner.SendAsync(notification, ct);
        if (log is not null)
            File.AppendAllText(log, $"{notification.Id} {instance}\n");
        if (Interlocked.Increment(ref _sends) >= crashAfter)
            Process.GetCurrentProcess().Kill();
    }
}
