namespace Fhir.Server.Store;

/// <summary>
/// The versioned resource store. Reads run concurrently; writes run as units of work inside one
/// database transaction each, serialised so that version checks (If-Match) are exact.
/// </summary>
public interface IResourceStore
{
    Task<StoredResource?> ReadAsync(string type, string id, CancellationToken ct = default);

    Task<StoredResource?> ReadVersionAsync(string type, string id, long version, CancellationToken ct = default);

    Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default);

    /// <summary>
    /// Runs <paramref name="work"/> atomically: everything it writes is committed together or, if it
    /// throws, nothing is. The exception reaches the caller.
    /// </summary>
    Task<T> WriteAsync<T>(Func<IWriteSession, T> work, CancellationToken ct = default);

    Task<bool> IsReachableAsync(CancellationToken ct = default);

    /// <summary>The store whose writes may hold resources of <paramref name="type"/> (a store may keep some types apart).</summary>
    IResourceStore StoreFor(string type) => this;

    Task<long> CountVersionsAsync(CancellationToken ct = default);
}

/// <summary>What a unit of work may do inside the write transaction.</summary>
public interface IWriteSession
{
    /// <summary>The connection of the open transaction, for modules (such as search indexing) that write their own tables in it.</summary>
    System.Data.Common.DbConnection Connection { get; }

    StoredResource? ReadCurrent(string type, string id);

    /// <summary>Appends a version and makes it current. The caller decides the version number.</summary>
    StoredResource Append(string type, string id, long version, DateTimeOffset lastUpdated, string method, byte[]? json);
}

/// <summary>
/// Keeps derived data (search indexes, for example) in step with the resources. The CPU-heavy part
/// runs in <see cref="Prepare"/>, outside the single write transaction; <see cref="Index"/> runs
/// inside it after every new version, so what it writes commits or rolls back with the resource.
/// </summary>
public interface IResourceIndexer
{
    /// <summary>Work that needs only the validated body (the server's id and meta are not in it yet).</summary>
    object? Prepare(string type, System.Text.Json.JsonElement resource);

    /// <summary>Writes for a new version; <paramref name="prepared"/> is what Prepare returned, or null for a delete.</summary>
    void Index(IWriteSession session, StoredResource stored, object? prepared);
}
