using Jobs.Notifications;

namespace Jobs.Tests;

/// <summary>Exactly once across a crash and across instances, with real processes on one database file.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private string[] SendLog()
    {
        var path = Path.Combine(_db.Folder, "sends.log");
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    private string[] OutboxFiles() => Directory.Exists(_db.Outbox) ? Directory.GetFiles(_db.Outbox, "*.txt") : [];

    private List<string> Enqueue(int count)
    {
        var outbox = new NotificationOutbox(_db.Database, TimeProvider.System);
        for (var i = 0; i < count; i++)
            outbox.Enqueue(Make.Email($"econsult-answer:{i}", to: $"patient{i}@example.nl"));
        return Enumerable.Range(0, count).Select(i => outbox.Find($"econsult-answer:{i}")!.Id).ToList();
    }

    [Fact]
    public async Task HostKilledBetweenSendAndMark_AfterRestart_EveryNotificationArrivesExactlyOnce()
    {
        var ids = Enqueue(5);

        using (var first = JobsProcess.Start(_db, "node-1", "--Test:CrashAfterSends=2", "--Jobs:LeaseSeconds=3"))
        {
            Assert.True(first.WaitForExit(TimeSpan.FromSeconds(30)), "the host should have killed itself after the second send. " + first.Output);
        }
        // The crash came after the second message was handed over and before it was marked sent.
        Assert.Equal(2, SendLog().Length);
        Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM notification WHERE state = 'sent'"));
        Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM notification WHERE state = 'sending'"));

        using var second = JobsProcess.Start(_db, "node-1", "--Jobs:LeaseSeconds=3");
        await JobsProcess.Until(() => _db.Scalar("SELECT COUNT(*) FROM notification WHERE state = 'sent'") == 5,
            TimeSpan.FromSeconds(30), () => second.Output);

        var files = OutboxFiles();
        Assert.Equal(5, files.Length);
        Assert.All(ids, id => Assert.Single(files, f => f.EndsWith($"-n{id}.txt", StringComparison.Ordinal)));
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM notification WHERE state <> 'sent'"));
    }

    [Fact]
    public async Task TwoHostsOnOneDatabase_SendEveryNotificationOnce()
    {
        using var a = JobsProcess.Start(_db, "node-a", "--Test:SendDelayMs=100", "--Jobs:DispatchBatchSize=2");
        using var b = JobsProcess.Start(_db, "node-b", "--Test:SendDelayMs=100", "--Jobs:DispatchBatchSize=2");
        await JobsProcess.Until(() => a.Output.Contains("started") && b.Output.Contains("started"), TimeSpan.FromSeconds(30), () => a.Output + b.Output);
        var ids = Enqueue(40);
        await JobsProcess.Until(() => _db.Scalar("SELECT COUNT(*) FROM notification WHERE state = 'sent'") == 40,
            TimeSpan.FromSeconds(40), () => a.Output + b.Output);

        var log = SendLog();
        Assert.Equal(40, log.Length);
        Assert.Equal(ids.OrderBy(x => x), log.Select(l => l.Split(' ')[0]).OrderBy(x => x));
        Assert.Equal(40, OutboxFiles().Length);
        // Each instance keeps its schedule in the shared Quartz tables; both ran the dispatcher.
        Assert.Equal(2, _db.Scalar("SELECT COUNT(DISTINCT SCHED_NAME) FROM QRTZ_TRIGGERS WHERE SCHED_NAME IN ('portal-node-a', 'portal-node-b')"));
        Assert.Equal(2, log.Select(l => l.Split(' ')[1]).Distinct().Count());
    }

    [Fact]
    public async Task PortalHostKilledWhileSending_AfterRestart_EveryNotificationArrivesExactlyOnce()
    {
        const int count = 1500;
        var ids = Enqueue(count);
        long Sent() => _db.Scalar("SELECT COUNT(*) FROM notification WHERE state = 'sent'");

        using (var first = JobsProcess.StartPortalHost(_db, "--Jobs:LeaseSeconds=2", "--Jobs:DispatchBatchSize=5"))
        {
            await JobsProcess.Until(() => Sent() >= 20, TimeSpan.FromSeconds(40), () => first.Output);
            first.KillHard();
        }
        var sentBeforeRestart = Sent();
        Assert.InRange(sentBeforeRestart, 20, count - 1);

        using var second = JobsProcess.StartPortalHost(_db, "--Jobs:LeaseSeconds=2", "--Jobs:DispatchBatchSize=50");
        await JobsProcess.Until(() => Sent() == count, TimeSpan.FromSeconds(40), () => second.Output);

        var files = OutboxFiles().Select(f => f[(f.LastIndexOf("-n", StringComparison.Ordinal) + 2)..^4]).ToList();
        Assert.Equal(count, files.Count);
        Assert.Equal(ids.OrderBy(x => x), files.OrderBy(x => x));
    }

    [Fact]
    public async Task PortalHostWithoutJobsRole_SendsNothing()
    {
        Enqueue(3);

        using var host = JobsProcess.StartPortalHost(_db, "--Portal:Roles=fhir,graphql");
        await JobsProcess.Until(() => host.Output.Contains("Roles:", StringComparison.Ordinal), TimeSpan.FromSeconds(40), () => host.Output);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM notification WHERE state <> 'pending'"));
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM QRTZ_TRIGGERS"));
        Assert.Empty(OutboxFiles());
    }
}
