using System.Collections.Frozen;
using System.Text.Json;
using Fhir.Server.Definitions;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Fhir.Server.Search.Indexing;

/// <summary>
/// The search parameters in force per resource type: the official R4 ones from <see cref="FhirDefinitions"/>
/// plus SearchParameter resources stored on this server, which take effect when the store is read again
/// (at start and by <c>$reindex</c>). https://hl7.org/fhir/R4/searchparameter.html
/// </summary>
public sealed class SearchParameterRegistry(FhirDefinitions definitions, SqliteResourceStore store)
{
    /// <summary>Parameters the index does not hold: they have no expression or are evaluated elsewhere.</summary>
    private static readonly FrozenSet<string> NotExtracted = FrozenSet.ToFrozenSet(["_id", "_lastUpdated"], StringComparer.Ordinal);

    /// <summary>
    /// Types whose official parameters are limited to a few: AuditEvents are written by the server's
    /// access log only, at the rate of reads, so they are indexed (and searchable) by who, whose record,
    /// what and when, not by all 18 official parameters. https://hl7.org/fhir/R4/auditevent.html#search
    /// </summary>
    public static readonly FrozenDictionary<string, FrozenSet<string>> LimitedOfficialParameters = new Dictionary<string, FrozenSet<string>>
    {
        ["AuditEvent"] = FrozenSet.ToFrozenSet(["action", "agent", "altid", "date", "entity", "patient", "site", "subtype", "type"], StringComparer.Ordinal),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly Lock _gate = new();
    private volatile Dictionary<string, Dictionary<string, SearchParameterDefinition>>? _custom;
    private readonly Dictionary<string, FrozenDictionary<string, SearchParameterDefinition>> _byType = new(StringComparer.Ordinal);

    public FhirDefinitions Definitions => definitions;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FrozenSet<long>> _patientCompartmentPids = new(StringComparer.Ordinal);

    /// <summary>
    /// The parameter keys whose rows of type Patient put a resource of <paramref name="type"/> in that patient's compartment
    /// (an alias's sources for an aliased parameter); empty for a type outside the compartment.
    /// https://hl7.org/fhir/R4/compartmentdefinition-patient.html
    /// </summary>
    public FrozenSet<long> PatientCompartmentPids(string type) => _patientCompartmentPids.GetOrAdd(type, t =>
        definitions.GetCompartment("Patient").TryGetValue(t, out var codes)
            ? codes.SelectMany(code => ReferenceAliases.Pids([t], code)).ToFrozenSet()
            : FrozenSet<long>.Empty);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Type, string Code), bool> _oneValue = new();

    /// <summary>
    /// True when a resource of <paramref name="type"/> has at most one value of parameter <paramref name="code"/>: an official
    /// parameter whose expression for the type is one path of elements that each allow one value (<c>Communication.sent</c>),
    /// so that it has at most one index row (each value is one row). A custom parameter, whose rows may still be those of
    /// another expression until <c>$reindex</c>, is never taken for one.
    /// </summary>
    public bool HasOneValue(string type, string code) =>
        Find(type, code) is { Expression: { } expression } parameter && !IsCustom(parameter)
        && _oneValue.GetOrAdd((type, code), _ => OnePath(type, expression));

    private bool OnePath(string type, string expression)
    {
        var paths = expression.Split('|', StringSplitOptions.TrimEntries).Where(e => e.StartsWith(type + ".", StringComparison.Ordinal)).ToList();
        if (paths.Count != 1 || definitions.GetStructure(type) is not { } structure)
            return false;
        var names = paths[0].Split('.');
        if (!names.All(n => n.Length > 0 && n.All(char.IsAsciiLetterOrDigit)))
            return false;
        for (var n = 2; n <= names.Length; n++)
        {
            if (structure.FindElement(string.Join('.', names[..n])) is not { Max: 0 or 1 })
                return false;
        }
        return true;
    }

    /// <summary>The parameter <paramref name="code"/> of <paramref name="type"/>, custom ones first; null when unknown.</summary>
    public SearchParameterDefinition? Find(string type, string code) => For(type).GetValueOrDefault(code);

    public FrozenDictionary<string, SearchParameterDefinition> For(string type)
    {
        var custom = Custom();
        lock (_gate)
        {
            if (_byType.TryGetValue(type, out var found))
                return found;
            var all = new Dictionary<string, SearchParameterDefinition>(StringComparer.Ordinal);
            var limited = LimitedOfficialParameters.GetValueOrDefault(type);
            foreach (var p in definitions.SearchParametersFor(type))
            {
                if (limited is null || limited.Contains(p.Code) || p.Expression is null || NotExtracted.Contains(p.Code))
                    all[p.Code] = p;
            }
            if (custom.TryGetValue(type, out var own))
            {
                foreach (var (code, p) in own)
                    all[code] = p;
            }
            if (custom.TryGetValue("Resource", out var forAll))
            {
                foreach (var (code, p) in forAll)
                    all[code] = p;
            }
            var frozen = all.ToFrozenDictionary(StringComparer.Ordinal);
            _byType[type] = frozen;
            return frozen;
        }
    }

    /// <summary>The parameters whose values the indexer extracts for <paramref name="type"/>.</summary>
    public IEnumerable<SearchParameterDefinition> Extracted(string type) =>
        For(type).Values.Where(p => p.Expression is not null && p.Type != "special" && !NotExtracted.Contains(p.Code));

    /// <summary>What the indexer needs per type: the codes it keeps from the official extraction and the custom parameters it evaluates itself.</summary>
    public sealed record ExtractionPlan(FrozenSet<string> OfficialCodes, IReadOnlyList<SearchParameterDefinition> Custom);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ExtractionPlan> _plans = new(StringComparer.Ordinal);

    public ExtractionPlan PlanFor(string type)
    {
        if (_plans.TryGetValue(type, out var plan))
            return plan;
        var parameters = Extracted(type).ToList();
        var custom = parameters.Where(IsCustom).ToList();
        var customCodes = custom.Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        plan = new ExtractionPlan(parameters.Select(p => p.Code).Where(c => !customCodes.Contains(c)).ToFrozenSet(StringComparer.Ordinal), custom);
        _plans[type] = plan;
        return plan;
    }

    /// <summary>True when the parameter is one of the server's own (not in the official definitions).</summary>
    public bool IsCustom(SearchParameterDefinition parameter)
    {
        var custom = Custom();
        return parameter.Base.Any(b => custom.TryGetValue(b, out var own) && own.TryGetValue(parameter.Code, out var p) && ReferenceEquals(p, parameter));
    }

    /// <summary>Reads the stored SearchParameter resources again.</summary>
    public void Refresh()
    {
        var loaded = Load();
        lock (_gate)
        {
            _custom = loaded;
            _byType.Clear();
            _plans.Clear();
        }
    }

    private Dictionary<string, Dictionary<string, SearchParameterDefinition>> Custom()
    {
        var custom = _custom;
        if (custom is not null)
            return custom;
        var loaded = Load();
        lock (_gate)
        {
            if (_custom is null)
            {
                _custom = loaded;
                _byType.Clear();
            }
            return _custom;
        }
    }

    private Dictionary<string, Dictionary<string, SearchParameterDefinition>> Load()
    {
        var result = new Dictionary<string, Dictionary<string, SearchParameterDefinition>>(StringComparer.Ordinal);
        using var connection = store.OpenConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT v.json FROM resource r JOIN resource_version v ON v.seq = r.current_seq
            WHERE r.type = 'SearchParameter' AND r.deleted = 0
            """;
        try
        {
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                using var doc = JsonDocument.Parse((byte[])reader.GetValue(0));
                if (Parse(doc.RootElement) is not { } parameter)
                    continue;
                foreach (var type in parameter.Base)
                {
                    if (!result.TryGetValue(type, out var byCode))
                        result[type] = byCode = new Dictionary<string, SearchParameterDefinition>(StringComparer.Ordinal);
                    byCode[parameter.Code] = parameter;
                }
            }
        }
        catch (SqliteException)
        {
            // Before the schema exists (the host migrates after building services) there is nothing custom.
        }
        return result;
    }

    private static SearchParameterDefinition? Parse(JsonElement json)
    {
        string? Str(string name) => json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        IReadOnlyList<string> Strings(string name) => json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray()
            : [];
        if (Str("status") == "retired")
            return null;
        var code = Str("code");
        var type = Str("type");
        var expression = Str("expression");
        var bases = Strings("base");
        if (code is null || type is null || expression is null || bases.Count == 0 || type is "composite" or "special")
            return null;
        IReadOnlyList<string> modifiers = type switch
        {
            "string" => ["missing", "exact", "contains"],
            "token" => ["missing", "text", "not", "of-type"],
            "reference" => ["missing", "type", "identifier"],
            "uri" => ["missing", "above", "below"],
            _ => ["missing"],
        };
        IReadOnlyList<string> comparators = type is "number" or "date" or "quantity" ? ["eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"] : [];
        return new SearchParameterDefinition(Str("url") ?? $"urn:custom:{code}", code, Str("name") ?? code, type, bases, expression,
            Strings("target"), [], modifiers, comparators, true, true);
    }
}
