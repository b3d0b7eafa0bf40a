using Jobs.Notifications;
using Quartz;

namespace Jobs.Scheduling;

/// <summary>Sends the outbox's due notifications; one run at a time across the cluster.</summary>
[DisallowConcurrentExecution]
public sealed class NotificationDispatchJob(NotificationDispatcher dispatcher) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        await dispatcher.DispatchDueAsync(cancellationToken);
    }
}
