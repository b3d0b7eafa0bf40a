using System.Collections;
using System.Security.Claims;
using System.Text.Json;
using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Execution;

/// <summary>Per-request state a host passes in: the user, services, free-form items and cancellation.</summary>
public sealed class RequestContext
{
    public ClaimsPrincipal? User { get; init; }
    public IServiceProvider? Services { get; init; }
    public Dictionary<string, object?> Items { get; } = new(StringComparer.Ordinal);
    public CancellationToken CancellationToken { get; init; }
}

/// <summary>What a resolver sees: parent value, typed arguments, request context and per-request DataLoaders.</summary>
public sealed class ResolverContext
{
    private static readonly IReadOnlyDictionary<string, object?> NoArguments = new Dictionary<string, object?>();
    private readonly OperationContext _operation;

    internal ResolverContext(OperationContext operation, ObjectType parentType, object? parent, FieldDefinition field,
        FieldPlan plan, IReadOnlyDictionary<string, object?>? arguments, ResponsePath path)
    {
        _operation = operation;
        ParentType = parentType;
        Parent = parent;
        Field = field;
        Plan = plan;
        Arguments = arguments ?? NoArguments;
        Path = path;
    }

    public object? Parent { get; }
    public ObjectType ParentType { get; }
    public FieldDefinition Field { get; }
    internal FieldPlan Plan { get; }
    public IReadOnlyList<FieldNode> FieldNodes => Plan.Nodes;
    public IReadOnlyDictionary<string, object?> Arguments { get; }
    public ResponsePath Path { get; }
    public Schema Schema => _operation.Schema;
    public RequestContext Request => _operation.Request;
    public ClaimsPrincipal? User => _operation.Request.User;
    public IServiceProvider? Services => _operation.Request.Services;
    public IDictionary<string, object?> Items => _operation.Request.Items;
    public CancellationToken CancellationToken => _operation.CancellationToken;
    public IReadOnlyDictionary<string, object?> Variables => _operation.Variables;

    public T ParentAs<T>() => (T)Parent!;

    public T Service<T>() where T : notnull =>
        Services?.GetService(typeof(T)) is T s ? s : throw new InvalidOperationException($"Service {typeof(T).Name} is not registered.");

    public bool HasArgument(string name) => Arguments.ContainsKey(name);

    public T Argument<T>(string name)
    {
        if (!Arguments.TryGetValue(name, out var value))
            throw new ArgumentException($"Field \"{ParentType.Name}.{Field.Name}\" has no argument value \"{name}\".", nameof(name));
        return ConvertTo<T>(value);
    }

    public T ArgumentOrDefault<T>(string name, T defaultValue) =>
        Arguments.TryGetValue(name, out var value) && value is not null ? ConvertTo<T>(value) : defaultValue;

    /// <summary>A DataLoader scoped to this request; the first call with a name creates it.</summary>
    public DataLoader<TKey, TValue> DataLoader<TKey, TValue>(string name, BatchLoadFunction<TKey, TValue> batch) where TKey : notnull =>
        _operation.DataLoaders.GetOrAdd(name, batch);

    /// <summary>Reports an error for this field while still returning a value.</summary>
    public void ReportError(string message, string code = ErrorCodes.ResolverError) =>
        _operation.AddError(new GraphError(message, code, Plan.Locations, Path.ToList()));

    internal static T ConvertTo<T>(object? value)
    {
        if (value is T t) return t;
        if (value is null) return default!;
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (target.IsEnum && value is string s) return (T)Enum.Parse(target, s, ignoreCase: true);
        if (value is IConvertible && typeof(IConvertible).IsAssignableFrom(target)) return (T)Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
        if (value is IDictionary or IList)
            return JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value), JsonOptions)!;
        throw new InvalidCastException($"Cannot convert {value.GetType().Name} to {typeof(T).Name}.");
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };
}
