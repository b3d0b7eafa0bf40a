using System.ComponentModel.DataAnnotations;

namespace Jobs;

/// <summary>Bound from the <c>Jobs</c> section.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>
    /// This instance's name: its Quartz schedule is kept under <c>portal-{InstanceId}</c> and survives
    /// restarts under the same name. Defaults to the machine name; give every instance that shares
    /// the database its own.
    /// </summary>
    [MaxLength(100)]
    [RegularExpression("^[A-Za-z0-9._-]+$", ErrorMessage = "Jobs:InstanceId may contain letters, digits, '.', '_' and '-' only")]
    public string? InstanceId { get; set; }

    /// <summary>How often the dispatcher looks for due notifications.</summary>
    [Range(1, 3600)]
    public int DispatchIntervalSeconds { get; set; } = 10;

    /// <summary>Most notifications claimed in one round.</summary>
    [Range(1, 1000)]
    public int DispatchBatchSize { get; set; } = 20;

    /// <summary>Send attempts before a notification is marked failed.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait after the first failed attempt; doubled after each further one.</summary>
    [Range(1, 86_400)]
    public int RetryBaseSeconds { get; set; } = 30;

    /// <summary>Longest wait between two attempts.</summary>
    [Range(1, 604_800)]
    public int RetryMaxSeconds { get; set; } = 3600;

    /// <summary>How long a claim lasts; a send must finish within half of it or is abandoned.</summary>
    [Range(2, 86_400)]
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>Folder for file delivery when the identity module's senders are not registered; defaults to Identity:OutboxPath or ./data/outbox.</summary>
    public string? OutboxPath { get; set; }
}
