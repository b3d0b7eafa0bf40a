using System.ComponentModel.DataAnnotations;

namespace Jobs;

/// <summary>Bound from the <c>Jobs</c> section.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>This node's name in the Quartz cluster; empty means generated (host name and a timestamp).</summary>
    [MaxLength(200)]
    public string? InstanceId { get; set; }

    /// <summary>How often a node tells the cluster it is alive; a node silent for longer is presumed dead and its jobs recovered.</summary>
    [Range(1, 3600)]
    public int ClusterCheckinSeconds { get; set; } = 15;

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

    /// <summary>The folder of the file transport (one file per notification); defaults to Identity:OutboxPath or ./data/outbox.</summary>
    public string? OutboxPath { get; set; }

    /// <summary><c>File</c> (the embedded default) or <c>Senders</c> (the configured e-mail and SMS senders).</summary>
    public NotificationTransportKind Transport { get; set; } = NotificationTransportKind.File;
}

public enum NotificationTransportKind
{
    File,
    Senders,
}
