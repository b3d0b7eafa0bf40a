using Graph.Api.Calendar;
using NodaTime;
using Quartz;

namespace Graph.Api.Messaging;

/// <summary>What one run of the deadline watch found.</summary>
public sealed record SlaRun(int Waiting, int Overdue, int NewlyMarked, int Resolved);

/// <summary>
/// The e-consult deadline watch. Practices promise an answer within 2 working days (seed 000 and 001);
/// an answer on behalf of an absent practitioner promises a date of its own. A thread still waiting
/// for the practice after its due date is marked overdue (portal table <c>portal_econsult_overdue</c>,
/// once per thread and due date); the mark is resolved when the thread no longer waits. Staff see
/// the marks in the inbox (<c>Thread.overdueSince</c>) and in the weekly counts.
/// <para>
/// It reads the e-consults as the server itself, not as a person, so it writes no access-log entries,
/// and it stores no content: only thread ids, dates and the practice.
/// </para>
/// </summary>
public sealed class EConsultSla(MessagingService messaging, PortalState state, TimeProvider time)
{
    public async Task<SlaRun> RunAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var today = Instant.FromDateTimeOffset(now).InZone(DutchCalendar.Amsterdam).Date;
        var watermark = state.OverdueWatermark();
        var waiting = await messaging.OpenThreadsAsync(state.FollowUpThreadIds(), ct);
        var overdue = waiting.Where(t => MessagingService.IsOverdue(t, today)).ToList();
        var practices = await messaging.OrganizationsOfAsync(overdue.Select(t => t.PatientId).ToList(), ct);
        var (marked, resolved) = state.SyncOverdue(overdue
            .Select(t => (t.Id, MessagingService.DueDate(t)!.Value, practices.GetValueOrDefault(t.PatientId)))
            .ToList(), now, watermark);
        return new SlaRun(waiting.Count, overdue.Count, marked, resolved);
    }
}

/// <summary>Runs <see cref="EConsultSla"/> on the jobs instances (every 15 minutes; a thread turns overdue at midnight in Amsterdam).</summary>
[DisallowConcurrentExecution]
public sealed class EConsultSlaJob(EConsultSla sla) : IJob
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        await sla.RunAsync(cancellationToken);
    }
}
