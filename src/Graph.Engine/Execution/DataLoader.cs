namespace Graph.Engine.Execution;

/// <summary>Loads many keys in one call; keys missing from the result resolve to null/default.</summary>
public delegate Task<IReadOnlyDictionary<TKey, TValue>> BatchLoadFunction<TKey, TValue>(IReadOnlyList<TKey> keys, CancellationToken cancellationToken)
    where TKey : notnull;

internal interface IDataLoader
{
    bool HasPending { get; }
    Task DispatchAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Per-request batching and caching of keyed lookups: every <see cref="LoadAsync"/> made while the executor
/// is busy is collected, and the batch function runs once for all of them when the executor would otherwise wait.
/// </summary>
public sealed class DataLoader<TKey, TValue> : IDataLoader where TKey : notnull
{
    private readonly BatchLoadFunction<TKey, TValue> _batch;
    private readonly DataLoaderRegistry _registry;
    private readonly Dictionary<TKey, TaskCompletionSource<TValue?>> _cache = [];
    private List<KeyValuePair<TKey, TaskCompletionSource<TValue?>>> _pending = [];
    private readonly Lock _lock = new();

    internal DataLoader(BatchLoadFunction<TKey, TValue> batch, DataLoaderRegistry registry)
    {
        _batch = batch;
        _registry = registry;
    }

    /// <summary>Number of times the batch function ran (useful in tests).</summary>
    public int BatchCount { get; private set; }

    public bool HasPending
    {
        get { lock (_lock) return _pending.Count > 0; }
    }

    public Task<TValue?> LoadAsync(TKey key)
    {
        TaskCompletionSource<TValue?> tcs;
        lock (_lock)
        {
            if (_cache.TryGetValue(key, out var existing)) return existing.Task;
            tcs = new TaskCompletionSource<TValue?>();
            _cache[key] = tcs;
            _pending.Add(new(key, tcs));
        }
        _registry.Signal();
        return tcs.Task;
    }

    public async Task<IReadOnlyList<TValue?>> LoadManyAsync(IEnumerable<TKey> keys)
    {
        var tasks = keys.Select(LoadAsync).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    public async Task DispatchAsync(CancellationToken cancellationToken)
    {
        List<KeyValuePair<TKey, TaskCompletionSource<TValue?>>> batch;
        lock (_lock)
        {
            if (_pending.Count == 0) return;
            batch = _pending;
            _pending = [];
        }
        BatchCount++;
        try
        {
            var keys = batch.Select(p => p.Key).ToList();
            var result = await _batch(keys, cancellationToken).ConfigureAwait(false);
            foreach (var (key, tcs) in batch)
                tcs.TrySetResult(result.TryGetValue(key, out var v) ? v : default);
        }
        catch (Exception ex)
        {
            foreach (var (_, tcs) in batch) tcs.TrySetException(ex);
        }
    }
}

/// <summary>The DataLoaders of one request, and the signal that tells the executor new keys are waiting.</summary>
public sealed class DataLoaderRegistry
{
    private readonly Dictionary<string, IDataLoader> _loaders = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private TaskCompletionSource? _signal;

    public DataLoader<TKey, TValue> GetOrAdd<TKey, TValue>(string name, BatchLoadFunction<TKey, TValue> batch) where TKey : notnull
    {
        lock (_lock)
        {
            if (_loaders.TryGetValue(name, out var existing))
                return existing as DataLoader<TKey, TValue> ?? throw new InvalidOperationException($"DataLoader \"{name}\" was created with other key/value types.");
            var loader = new DataLoader<TKey, TValue>(batch, this);
            _loaders[name] = loader;
            return loader;
        }
    }

    internal bool HasPending
    {
        get
        {
            lock (_lock) return _loaders.Values.Any(l => l.HasPending);
        }
    }

    internal void Signal()
    {
        TaskCompletionSource? s;
        lock (_lock) { s = _signal; _signal = null; }
        s?.TrySetResult();
    }

    internal Task WaitForWorkAsync()
    {
        lock (_lock)
        {
            if (_loaders.Values.Any(l => l.HasPending)) return Task.CompletedTask;
            _signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _signal.Task;
        }
    }

    internal async Task DispatchAllAsync(CancellationToken cancellationToken)
    {
        IDataLoader[] loaders;
        lock (_lock) loaders = _loaders.Values.Where(l => l.HasPending).ToArray();
        if (loaders.Length == 1) await loaders[0].DispatchAsync(cancellationToken).ConfigureAwait(false);
        else await Task.WhenAll(loaders.Select(l => l.DispatchAsync(cancellationToken))).ConfigureAwait(false);
    }
}
