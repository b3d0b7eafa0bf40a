namespace Fhir.Server.Store;

/// <summary>One version of a resource as stored. <see cref="Json"/> is null for a delete.</summary>
public sealed record StoredResource(
    string Type,
    string Id,
    long Version,
    DateTimeOffset LastUpdated,
    bool IsDeleted,
    byte[]? Json,
    long Seq = 0,
    string Method = "PUT")
{
    public string ETag => $"W/\"{Version}\"";
}

/// <summary>A page of history entries, newest first, and the cursor for the next page.</summary>
/// <remarks>
/// <see cref="NextBeforeAuditSeq"/>: for the history of every type, which merges both files (<see cref="Sqlite.AuditFile"/>),
/// the audit file's position; the portal file's is then <see cref="NextBeforeSeq"/>. In both, 0 means that file has no more
/// entries and <see cref="long.MaxValue"/> that none of it has been shown yet.
/// </remarks>
public sealed record HistoryPage(IReadOnlyList<StoredResource> Entries, long? NextBeforeSeq, long? Total, long? NextBeforeAuditSeq = null);

public sealed record HistoryQuery(
    string? Type,
    string? Id,
    DateTimeOffset? Since,
    int Count,
    long? BeforeSeq,
    bool WithTotal,
    long? BeforeAuditSeq = null);
