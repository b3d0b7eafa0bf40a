using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using Graph.Engine.Language;
using Graph.Engine.Types;

namespace Graph.Engine.Execution;

/// <summary>The fields one object contributes to a response, merged by response key (spec 6.3.2 CollectFields).</summary>
internal sealed class PlanSet(string[] keys, FieldPlan[] fields)
{
    public string[] Keys { get; } = keys;
    public FieldPlan[] Fields { get; } = fields;
}

internal sealed class FieldPlan(string responseKey, FieldDefinition field, List<FieldNode> nodes)
{
    public string ResponseKey { get; } = responseKey;
    public FieldDefinition Field { get; } = field;
    public List<FieldNode> Nodes { get; } = nodes;
    public SourceLocation[] Locations { get; } = [nodes[0].Location];
    /// <summary>Argument values coerced once when they contain no variables; one reference so threads see it whole.</summary>
    public StaticArgumentValues? StaticArguments { get; set; }
    public ConcurrentDictionary<ObjectType, PlanSet>? SubPlans { get; set; }
}

internal sealed class StaticArgumentValues(IReadOnlyDictionary<string, object?> values)
{
    public IReadOnlyDictionary<string, object?> Values { get; } = values;
}

/// <summary>Caches compiled property getters of one field, keyed by the runtime type of the parent.</summary>
internal sealed class PropertyAccessorCache
{
    private sealed class Entry(Type type, Func<object, object?> getter)
    {
        public Type Type { get; } = type;
        public Func<object, object?> Getter { get; } = getter;
    }

    // The last entry is published as one reference so concurrent readers never pair a type with another type's getter.
    private Entry? _last;
    private readonly ConcurrentDictionary<Type, Func<object, object?>> _getters = new();

    public Func<object, object?> Get(Type type, string name)
    {
        var last = _last;
        if (last is not null && last.Type == type) return last.Getter;
        var g = _getters.GetOrAdd(type, t => Build(t, name));
        _last = new Entry(type, g);
        return g;
    }

    private static Func<object, object?> Build(Type type, string name)
    {
        var prop = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        MemberExpression? member = null;
        var p = Expression.Parameter(typeof(object));
        if (prop is not null && prop.GetIndexParameters().Length == 0) member = Expression.Property(Expression.Convert(p, type), prop);
        else if (type.GetField(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { } field) member = Expression.Field(Expression.Convert(p, type), field);
        if (member is null) return _ => null;
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(member, typeof(object)), p).Compile();
    }
}

/// <summary>State of one operation's execution.</summary>
internal sealed class OperationContext(Schema schema, RequestContext request, IReadOnlyDictionary<string, object?> variables,
    Dictionary<string, FragmentDefinitionNode> fragments, bool cachePlans, bool exposeExceptions, CancellationToken cancellationToken)
{
    private readonly List<GraphError> _errors = [];
    private readonly Lock _lock = new();

    public Schema Schema { get; } = schema;
    public RequestContext Request { get; } = request;
    public IReadOnlyDictionary<string, object?> Variables { get; } = variables;
    public Dictionary<string, FragmentDefinitionNode> Fragments { get; } = fragments;
    public bool CachePlans { get; } = cachePlans;
    public bool ExposeExceptions { get; } = exposeExceptions;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    private DataLoaderRegistry? _dataLoaders;
    public DataLoaderRegistry DataLoaders => _dataLoaders ?? Interlocked.CompareExchange(ref _dataLoaders, new DataLoaderRegistry(), null) ?? _dataLoaders;

    public void AddError(GraphError error)
    {
        lock (_lock) _errors.Add(error);
    }

    public List<GraphError> Errors
    {
        get { lock (_lock) return [.. _errors]; }
    }
}

/// <summary>
/// Executes a validated operation: field collection, argument coercion, resolution, value completion and
/// null propagation. Query fields run concurrently when resolvers are asynchronous; mutation fields run serially.
/// https://spec.graphql.org/October2021/#sec-Execution
/// </summary>
internal static class Executor
{
    /// <summary>Marks a value that became null at a non-null position; the nearest nullable parent turns into null.</summary>
    private static readonly object Invalid = new();

    private readonly struct PathSeg(ResponsePath parent, string? key, int index)
    {
        public ResponsePath Build() => key is not null ? parent.Append(key) : parent.Append(index);
    }

    public static async Task<ResultMap?> ExecuteOperationAsync(OperationContext ctx, OperationDefinitionNode op, ObjectType rootType,
        ConcurrentDictionary<(OperationDefinitionNode, string), PlanSet>? rootCache, string conditionKey, object? rootValue)
    {
        PlanSet plans;
        if (rootCache is not null && ctx.CachePlans)
        {
            if (!rootCache.TryGetValue((op, conditionKey), out plans!))
                plans = rootCache.GetOrAdd((op, conditionKey), CollectFields(ctx, rootType, [op.SelectionSet]));
        }
        else plans = CollectFields(ctx, rootType, [op.SelectionSet]);

        var vt = op.Operation == OperationType.Mutation
            ? ExecuteSerially(ctx, rootType, rootValue, plans, ResponsePath.Root)
            : ExecuteSelectionSet(ctx, rootType, rootValue, plans, ResponsePath.Root);
        object? data;
        if (vt.IsCompletedSuccessfully) data = vt.Result;
        else
        {
            var task = vt.AsTask();
            var cancelled = Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            while (!task.IsCompleted)
            {
                if (ctx.CancellationToken.IsCancellationRequested) break;
                if (ctx.DataLoaders.HasPending)
                {
                    await ctx.DataLoaders.DispatchAllAsync(ctx.CancellationToken).ConfigureAwait(false);
                    continue;
                }
                await Task.WhenAny(task, ctx.DataLoaders.WaitForWorkAsync(), cancelled).ConfigureAwait(false);
            }
            if (!task.IsCompleted)
            {
                _ = task.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                throw new OperationCanceledException(ctx.CancellationToken);
            }
            data = await task.ConfigureAwait(false);
        }
        return data as ResultMap;
    }

    internal static PlanSet CollectFields(OperationContext ctx, ObjectType type, IEnumerable<SelectionSetNode> sets)
    {
        var order = new List<string>();
        var groups = new Dictionary<string, List<FieldNode>>(StringComparer.Ordinal);
        HashSet<string>? visited = null;
        foreach (var set in sets) Collect(ctx, type, set, order, groups, ref visited);
        var fields = new List<FieldPlan>(order.Count);
        var keys = new List<string>(order.Count);
        foreach (var key in order)
        {
            var nodes = groups[key];
            var def = ctx.Schema.GetFieldIncludingMeta(type, nodes[0].Name);
            if (def is null) continue;
            keys.Add(key);
            fields.Add(new FieldPlan(key, def, nodes));
        }
        return new PlanSet([.. keys], [.. fields]);
    }

    private static void Collect(OperationContext ctx, ObjectType type, SelectionSetNode set, List<string> order,
        Dictionary<string, List<FieldNode>> groups, ref HashSet<string>? visited)
    {
        foreach (var sel in set.Selections)
        {
            if (sel.Directives.Count > 0 && !ShouldInclude(ctx, sel.Directives)) continue;
            switch (sel)
            {
                case FieldNode f:
                    var key = f.ResponseKey;
                    if (!groups.TryGetValue(key, out var list))
                    {
                        groups[key] = list = [];
                        order.Add(key);
                    }
                    list.Add(f);
                    break;
                case InlineFragmentNode inl:
                    if (inl.TypeCondition is not null && !Applies(ctx.Schema, type, inl.TypeCondition.Name)) continue;
                    Collect(ctx, type, inl.SelectionSet, order, groups, ref visited);
                    break;
                case FragmentSpreadNode spread:
                    visited ??= [];
                    if (!visited.Add(spread.Name)) continue;
                    if (!ctx.Fragments.TryGetValue(spread.Name, out var frag)) continue;
                    if (!Applies(ctx.Schema, type, frag.TypeCondition.Name)) continue;
                    Collect(ctx, type, frag.SelectionSet, order, groups, ref visited);
                    break;
            }
        }
    }

    private static bool Applies(Schema schema, ObjectType type, string condition)
    {
        if (condition == type.Name) return true;
        var t = schema.GetType(condition);
        return t is InterfaceType or UnionType && schema.IsSubType(t, type);
    }

    private static bool ShouldInclude(OperationContext ctx, IReadOnlyList<DirectiveNode> directives)
    {
        foreach (var d in directives)
        {
            if (d.Name is not ("skip" or "include")) continue;
            var ifValue = false;
            foreach (var a in d.Arguments)
                if (a.Name == "if")
                    ifValue = a.Value switch
                    {
                        BooleanValueNode b => b.Value,
                        VariableNode v => ctx.Variables.TryGetValue(v.Name, out var x) && x is true,
                        _ => false,
                    };
            if (d.Name == "skip" && ifValue) return false;
            if (d.Name == "include" && !ifValue) return false;
        }
        return true;
    }

    private static PlanSet SubPlans(OperationContext ctx, ObjectType type, FieldPlan plan)
    {
        if (ctx.CachePlans)
        {
            var cache = plan.SubPlans;
            if (cache is null)
            {
                cache = new ConcurrentDictionary<ObjectType, PlanSet>();
                plan.SubPlans = cache;
            }
            if (cache.TryGetValue(type, out var cached)) return cached;
            return cache.GetOrAdd(type, CollectFields(ctx, type, SelectionSets(plan)));
        }
        return CollectFields(ctx, type, SelectionSets(plan));
    }

    private static IEnumerable<SelectionSetNode> SelectionSets(FieldPlan plan)
    {
        foreach (var n in plan.Nodes)
            if (n.SelectionSet is not null) yield return n.SelectionSet;
    }

    private static ValueTask<object?> ExecuteSelectionSet(OperationContext ctx, ObjectType type, object? source, PlanSet plans, ResponsePath path)
    {
        var fields = plans.Fields;
        var values = new object?[fields.Length];
        List<(int Index, ValueTask<object?> Task)>? pending = null;
        for (var i = 0; i < fields.Length; i++)
        {
            var vt = ExecuteField(ctx, type, source, fields[i], path);
            if (vt.IsCompletedSuccessfully)
            {
                values[i] = vt.Result;
                // A null at a non-null field discards this whole object: resolving its remaining fields is wasted work.
                if (ReferenceEquals(vt.Result, Invalid)) break;
            }
            else (pending ??= []).Add((i, vt));
        }
        if (pending is null) return new ValueTask<object?>(Finish(plans, values));
        return AwaitFields(plans, values, pending);
    }

    private static object? Finish(PlanSet plans, object?[] values)
    {
        foreach (var v in values)
            if (ReferenceEquals(v, Invalid)) return Invalid;
        return new ResultMap(plans.Keys, values);
    }

    private static async ValueTask<object?> AwaitFields(PlanSet plans, object?[] values, List<(int Index, ValueTask<object?> Task)> pending)
    {
        foreach (var (index, task) in pending) values[index] = await task.ConfigureAwait(false);
        return Finish(plans, values);
    }

    private static async ValueTask<object?> ExecuteSerially(OperationContext ctx, ObjectType type, object? source, PlanSet plans, ResponsePath path)
    {
        var values = new object?[plans.Fields.Length];
        for (var i = 0; i < plans.Fields.Length; i++)
            values[i] = await ExecuteField(ctx, type, source, plans.Fields[i], path).ConfigureAwait(false);
        return Finish(plans, values);
    }

    private static ValueTask<object?> ExecuteField(OperationContext ctx, ObjectType type, object? source, FieldPlan plan, ResponsePath parentPath)
    {
        var field = plan.Field;
        var seg = new PathSeg(parentPath, plan.ResponseKey, -1);
        if (ReferenceEquals(field, ctx.Schema.TypeNameMetaField)) return new ValueTask<object?>(type.Name);
        object? value;
        try
        {
            if (field.Resolver is null && field.AsyncResolver is null && field.Arguments.Count == 0)
                value = DefaultResolve(source, field);
            else
            {
                var args = ArgumentsFor(ctx, plan);
                var rc = new ResolverContext(ctx, type, source, field, plan, args, seg.Build());
                if (field.Resolver is not null) value = field.Resolver(rc);
                else if (field.AsyncResolver is not null)
                {
                    var vt = field.AsyncResolver(rc);
                    if (!vt.IsCompletedSuccessfully) return AwaitResolver(ctx, vt, plan, seg);
                    value = vt.Result;
                }
                else value = DefaultResolve(source, field);
            }
            if (value is Task task) return AwaitTask(ctx, task, plan, seg);
        }
        catch (Exception ex)
        {
            return new ValueTask<object?>(HandleError(ctx, ex, field.Type, plan, seg));
        }
        return CompleteValue(ctx, field.Type, plan, value, seg);
    }

    private static async ValueTask<object?> AwaitResolver(OperationContext ctx, ValueTask<object?> vt, FieldPlan plan, PathSeg seg)
    {
        object? value;
        try { value = await vt.ConfigureAwait(false); }
        catch (Exception ex) { return HandleError(ctx, ex, plan.Field.Type, plan, seg); }
        return await CompleteValue(ctx, plan.Field.Type, plan, value, seg).ConfigureAwait(false);
    }

    private static async ValueTask<object?> AwaitTask(OperationContext ctx, Task task, FieldPlan plan, PathSeg seg)
    {
        object? value;
        try
        {
            await task.ConfigureAwait(false);
            value = TaskResult(task);
        }
        catch (Exception ex) { return HandleError(ctx, ex, plan.Field.Type, plan, seg); }
        return await CompleteValue(ctx, plan.Field.Type, plan, value, seg).ConfigureAwait(false);
    }

    private static readonly ConcurrentDictionary<Type, Func<Task, object?>> TaskResultGetters = new();

    /// <summary>Reads Task&lt;T&gt;.Result for a resolver that returned a task as object (compiled once per T).</summary>
    private static object? TaskResult(Task task) =>
        TaskResultGetters.GetOrAdd(task.GetType(), static t =>
        {
            var resultProperty = t.IsGenericType ? t.GetProperty("Result") : null;
            if (resultProperty is null || resultProperty.PropertyType.Name == "VoidTaskResult") return _ => null;
            var p = Expression.Parameter(typeof(Task));
            return Expression.Lambda<Func<Task, object?>>(Expression.Convert(Expression.Property(Expression.Convert(p, t), resultProperty), typeof(object)), p).Compile();
        })(task);

    private static object? DefaultResolve(object? source, FieldDefinition field)
    {
        switch (source)
        {
            case null: return null;
            case IDictionary<string, object?> d: return d.TryGetValue(field.Name, out var v) ? v : null;
            case IReadOnlyDictionary<string, object?> rd: return rd.TryGetValue(field.Name, out var rv) ? rv : null;
            default: return field.Accessors.Get(source.GetType(), field.Name)(source);
        }
    }

    private static IReadOnlyDictionary<string, object?>? ArgumentsFor(OperationContext ctx, FieldPlan plan)
    {
        if (plan.StaticArguments is { } cached) return cached.Values;
        var node = plan.Nodes[0];
        var args = CoerceArguments(plan.Field.Arguments, node.Arguments, ctx.Variables);
        if (ctx.CachePlans && !node.Arguments.Any(a => ContainsVariable(a.Value))) plan.StaticArguments = new StaticArgumentValues(args);
        return args;
    }

    private static bool ContainsVariable(ValueNode v) => v switch
    {
        VariableNode => true,
        ListValueNode l => l.Values.Any(ContainsVariable),
        ObjectValueNode o => o.Fields.Any(f => ContainsVariable(f.Value)),
        _ => false,
    };

    /// <summary>https://spec.graphql.org/October2021/#CoerceArgumentValues()</summary>
    internal static Dictionary<string, object?> CoerceArguments(IReadOnlyList<InputValueDefinition> defs, IReadOnlyList<ArgumentNode> nodes, IReadOnlyDictionary<string, object?> variables)
    {
        var result = new Dictionary<string, object?>(defs.Count, StringComparer.Ordinal);
        foreach (var def in defs)
        {
            ArgumentNode? node = null;
            foreach (var n in nodes) if (n.Name == def.Name) { node = n; break; }
            var has = node is not null;
            if (node?.Value is VariableNode v) has = variables.ContainsKey(v.Name);
            if (!has)
            {
                if (def.DefaultValue is not null) result[def.Name] = InputCoercion.CoerceLiteral(def.DefaultValue, def.Type, null);
                else if (def.Type is NonNullType) throw new GraphQLException($"Argument \"{def.Name}\" of required type \"{def.Type}\" was not provided.", ErrorCodes.BadUserInput);
                continue;
            }
            try
            {
                result[def.Name] = InputCoercion.CoerceLiteral(node!.Value, def.Type, variables);
            }
            catch (CoercionException ex)
            {
                throw new GraphQLException($"Argument \"{def.Name}\" has invalid value {Printer.Print(node!.Value)}. {ex.Message}", ErrorCodes.BadUserInput);
            }
        }
        return result;
    }

    private static object? HandleError(OperationContext ctx, Exception ex, GraphType type, FieldPlan plan, PathSeg seg)
    {
        if (ex is AggregateException { InnerExceptions.Count: 1 } agg) ex = agg.InnerExceptions[0];
        if (ex is TargetInvocationException { InnerException: { } inner }) ex = inner;
        GraphError error;
        if (ex is GraphQLException gex)
        {
            error = new GraphError(gex.Message, gex.Code, plan.Locations, seg.Build().ToList());
            foreach (var kv in gex.Extensions) error.Extensions[kv.Key] = kv.Value;
        }
        else if (ex is CoercionException cex) error = new GraphError(cex.Message, ErrorCodes.InternalError, plan.Locations, seg.Build().ToList());
        else if (ex is OperationCanceledException && ctx.CancellationToken.IsCancellationRequested)
            error = new GraphError("The operation was cancelled or timed out.", ErrorCodes.Timeout, plan.Locations, seg.Build().ToList());
        else error = new GraphError(ctx.ExposeExceptions ? ex.Message : "Unexpected error while resolving the field.", ErrorCodes.InternalError, plan.Locations, seg.Build().ToList());
        ctx.AddError(error);
        return type is NonNullType ? Invalid : null;
    }

    private static ValueTask<object?> CompleteValue(OperationContext ctx, GraphType type, FieldPlan plan, object? value, PathSeg seg)
    {
        if (type is NonNullType nn)
        {
            if (value is null)
            {
                ctx.AddError(new GraphError($"Cannot return null for non-nullable field {ParentName(ctx, plan)}.{plan.Field.Name}.", ErrorCodes.NonNullViolation, plan.Locations, seg.Build().ToList()));
                return new ValueTask<object?>(Invalid);
            }
            var inner = CompleteNullable(ctx, nn.OfType, plan, value, seg);
            if (inner.IsCompletedSuccessfully) return new ValueTask<object?>(inner.Result);
            return inner;
        }
        if (value is null) return default;
        var r = CompleteNullable(ctx, type, plan, value, seg);
        if (r.IsCompletedSuccessfully) return new ValueTask<object?>(ReferenceEquals(r.Result, Invalid) ? null : r.Result);
        return NullIfInvalid(r);
    }

    private static string ParentName(OperationContext ctx, FieldPlan plan)
    {
        foreach (var t in ctx.Schema.TypeList)
            if (t is ComplexType ct && ct.GetField(plan.Field.Name) == plan.Field) return t.Name;
        return ctx.Schema.QueryType.Name;
    }

    private static async ValueTask<object?> NullIfInvalid(ValueTask<object?> vt)
    {
        var r = await vt.ConfigureAwait(false);
        return ReferenceEquals(r, Invalid) ? null : r;
    }

    /// <summary>Completes a non-null value of a nullable type; may return <see cref="Invalid"/>.</summary>
    private static ValueTask<object?> CompleteNullable(OperationContext ctx, GraphType type, FieldPlan plan, object value, PathSeg seg)
    {
        switch (type)
        {
            case ScalarType s:
                try
                {
                    var r = s.Serialize(value);
                    if (r is null) throw new CoercionException($"{s.Name} cannot represent value.");
                    return new ValueTask<object?>(r);
                }
                catch (Exception ex) { return new ValueTask<object?>(HandleError(ctx, ex, new NonNullType(type), plan, seg)); }
            case EnumType e:
                var name = e.Serialize(value);
                if (name is null)
                    return new ValueTask<object?>(HandleError(ctx, new CoercionException($"Enum \"{e.Name}\" cannot represent value: {value}"), new NonNullType(type), plan, seg));
                return new ValueTask<object?>(name);
            case ListType l:
                return CompleteList(ctx, l, plan, value, seg);
            case ObjectType o:
                return ExecuteSelectionSet(ctx, o, value, SubPlans(ctx, o, plan), seg.Build());
            case InterfaceType or UnionType:
                {
                    ObjectType? concrete;
                    try { concrete = ResolveAbstract(ctx, (NamedType)type, value, plan, seg); }
                    catch (Exception ex) { return new ValueTask<object?>(HandleError(ctx, ex, new NonNullType(type), plan, seg)); }
                    return ExecuteSelectionSet(ctx, concrete, value, SubPlans(ctx, concrete, plan), seg.Build());
                }
        }
        throw new InvalidOperationException($"Cannot complete type {type}.");
    }

    private static ObjectType ResolveAbstract(OperationContext ctx, NamedType abstractType, object value, FieldPlan plan, PathSeg seg)
    {
        string? name = null;
        var resolver = abstractType switch { InterfaceType i => i.ResolveType, UnionType u => u.ResolveType, _ => null };
        if (resolver is not null)
            name = resolver(value, new ResolverContext(ctx, ctx.Schema.QueryType, value, plan.Field, plan, null, seg.Build()));
        else if (value is IDictionary<string, object?> d && d.TryGetValue("__typename", out var tn) && tn is string s) name = s;
        else if (value is IReadOnlyDictionary<string, object?> rd && rd.TryGetValue("__typename", out var rtn) && rtn is string rs) name = rs;
        else if (ctx.Schema.ClrTypeMap.TryGetValue(value.GetType(), out var mapped)) name = mapped.Name;
        else
        {
            foreach (var pt in ctx.Schema.GetPossibleTypes(abstractType))
                if (pt.IsTypeOf is not null && pt.IsTypeOf(value)) { name = pt.Name; break; }
            name ??= ctx.Schema.GetPossibleTypes(abstractType).FirstOrDefault(p => p.Name == value.GetType().Name)?.Name;
        }
        if (name is null)
            throw new GraphQLException($"Abstract type \"{abstractType.Name}\" must resolve to an Object type at runtime for field \"{plan.Field.Name}\". Either the \"{abstractType.Name}\" type should provide a type resolver or each possible type should provide an \"isTypeOf\" check.", ErrorCodes.InternalError);
        if (ctx.Schema.GetType(name) is not ObjectType ot)
            throw new GraphQLException($"Abstract type \"{abstractType.Name}\" was resolved to a type \"{name}\" that does not exist inside the schema.", ErrorCodes.InternalError);
        if (!ctx.Schema.IsSubType(abstractType, ot))
            throw new GraphQLException($"Runtime Object type \"{name}\" is not a possible type for \"{abstractType.Name}\".", ErrorCodes.InternalError);
        return ot;
    }

    private static ValueTask<object?> CompleteList(OperationContext ctx, ListType type, FieldPlan plan, object value, PathSeg seg)
    {
        if (value is string || value is IDictionary || value is not IEnumerable enumerable)
            return new ValueTask<object?>(HandleError(ctx, new GraphQLException($"Expected Iterable, but did not find one for field \"{plan.Field.Name}\".", ErrorCodes.InternalError), new NonNullType(type), plan, seg));
        var path = seg.Build();
        var itemType = type.OfType;
        List<object?> items = value is ICollection c ? new List<object?>(c.Count) : [];
        List<(int Index, ValueTask<object?> Task)>? pending = null;
        var i = 0;
        foreach (var item in enumerable)
        {
            var vt = CompleteValue(ctx, itemType, plan, item, new PathSeg(path, null, i));
            if (vt.IsCompletedSuccessfully)
            {
                items.Add(vt.Result);
                if (ReferenceEquals(vt.Result, Invalid)) break;
            }
            else { items.Add(null); (pending ??= []).Add((i, vt)); }
            i++;
        }
        if (pending is null) return new ValueTask<object?>(FinishList(items));
        return AwaitList(items, pending);
    }

    private static object? FinishList(List<object?> items)
    {
        foreach (var v in items)
            if (ReferenceEquals(v, Invalid)) return Invalid;
        return items;
    }

    private static async ValueTask<object?> AwaitList(List<object?> items, List<(int Index, ValueTask<object?> Task)> pending)
    {
        foreach (var (index, task) in pending) items[index] = await task.ConfigureAwait(false);
        return FinishList(items);
    }
}
