using Identity;
using Identity.Messaging;
using Jobs.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Jobs.Tests;

public sealed class TransportAndConfigurationTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private sealed class RelaySender : IEmailSender, ISmsSender
    {
        public List<string> Sent { get; } = [];

        public Task SendAsync(string to, string subject, string body, CancellationToken ct = default)
        {
            Sent.Add($"{to}|{subject}|{body}");
            return Task.CompletedTask;
        }

        public Task SendAsync(string to, string text, CancellationToken ct = default)
        {
            Sent.Add($"{to}|{text}");
            return Task.CompletedTask;
        }
    }

    private static OutgoingNotification Email => new("id1", NotificationKind.Email, "emma@example.nl", "U heeft een nieuw bericht", "Kijk in het portaal.", Make.Start, 1);

    [Fact]
    public async Task Senders_FileOutbox_IsIdempotentOneFilePerNotification()
    {
        var files = new FileOutbox(Options.Create(new IdentityServerOptions { OutboxPath = _db.Outbox }), TimeProvider.System);
        var transport = new SenderNotificationTransport(files, files);

        Assert.True(transport.IsIdempotentFor(NotificationKind.Email));
        await transport.SendAsync(Email, default);
        await transport.SendAsync(Email with { Attempt = 2 }, default);
        Assert.Single(Directory.GetFiles(_db.Outbox));
    }

    [Fact]
    public async Task Senders_SmtpLike_AreCalledAndNotIdempotent()
    {
        var relay = new RelaySender();
        var files = new FileOutbox(Options.Create(new IdentityServerOptions { OutboxPath = _db.Outbox }), TimeProvider.System);
        var transport = new SenderNotificationTransport(relay, files);

        Assert.False(transport.IsIdempotentFor(NotificationKind.Email));
        Assert.True(transport.IsIdempotentFor(NotificationKind.Sms));
        await transport.SendAsync(Email, default);
        Assert.Equal(["emma@example.nl|U heeft een nieuw bericht|Kijk in het portaal."], relay.Sent);
    }

    [Theory]
    [InlineData("Jobs:MaxAttempts", "0", "MaxAttempts")]
    [InlineData("Jobs:RetryMaxSeconds", "5", "Jobs:RetryMaxSeconds must not be less than Jobs:RetryBaseSeconds")]
    [InlineData("Jobs:InstanceId", "node 1", "Jobs:InstanceId may contain")]
    public async Task WrongSetting_StopsTheHostAtStart_NamingIt(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Portal"] = _db.ConnectionString,
            [key] = value,
        });
        builder.Services.AddPortalJobs(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, string.Join("; ", error.Failures));
    }
}

public sealed class AddPortalJobTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    public sealed class TickJob : Quartz.IJob
    {
        public static readonly TaskCompletionSource Ran = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask Execute(Quartz.IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            Ran.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task AddPortalJob_WithCron_RunsTheJobFromThePersistentStore()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Portal"] = _db.ConnectionString,
            ["Jobs:OutboxPath"] = _db.Outbox,
            ["Jobs:InstanceId"] = "cron-test",
        });
        builder.Services.AddPortalJobs(builder.Configuration);
        builder.Services.AddPortalJob<TickJob>("0/1 * * * * ?");
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await TickJob.Ran.Task.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM QRTZ_CRON_TRIGGERS WHERE SCHED_NAME = 'portal-cron-test' AND TRIGGER_NAME = 'TickJob'"));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
