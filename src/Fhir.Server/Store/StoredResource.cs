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
public sealed record HistoryPage(IReadOnlyList<StoredResource> Entries, long? NextBeforeSeq, long? Total);

public sealed record HistoryQuery(
    string? Type,
    string? Id,
    DateTimeOffset? Since,
    int Count,
    long? BeforeSeq,
    bool WithTotal);
