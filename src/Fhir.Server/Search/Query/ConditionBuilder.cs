using System.Globalization;
using Fhir.Server.Definitions;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Search.Extraction;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Search.Parsing;
using Fhir.Server.Store.Sqlite;

namespace Fhir.Server.Search.Query;

/// <summary>
/// Turns search arguments into <see cref="Condition"/>s, parameter type by parameter type, as
/// https://hl7.org/fhir/R4/search.html defines them: comma is OR within one argument, repeated
/// arguments are AND-ed. Unknown or unsupported parameters are a 400 when strict, otherwise skipped
/// and reported.
/// </summary>
public sealed class ConditionBuilder(SearchParameterRegistry registry, string? baseUrl, TimeProvider clock)
{
    private static readonly string[] Prefixes = ["eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"];

    private FhirDefinitions Definitions => registry.Definitions;

    /// <summary>The caller's restriction per type, applied inside chains and _has too, so they reveal nothing outside it.</summary>
    public Func<string, Condition?>? Restrict { get; set; }

    /// <summary>The types whose index rows the conditions built so far read (the searched types, chain targets, _has sources).</summary>
    public HashSet<string> TypesRead { get; } = new(StringComparer.Ordinal);

    private IReadOnlyList<Condition> Restricted(string type, Condition condition) =>
        Restrict?.Invoke(type) is { } r ? [condition, r] : [condition];

    /// <summary>All conditions for <paramref name="types"/> (one type, or several for a system search).</summary>
    public List<Condition> Build(IReadOnlyList<string> types, SearchRequest request)
    {
        var conditions = new List<Condition>();
        var arguments = new List<(string Name, string Value)>();
        TypesRead.UnionWith(types);
        foreach (var argument in request.Filters)
        {
            try
            {
                conditions.Add(BuildOne(types, argument.Name, argument.Value));
                arguments.Add((argument.Name, argument.Value));
            }
            catch (UnsupportedParameterException e)
            {
                if (request.Strict)
                    throw FhirException.BadRequest(e.Message);
                request.Ignored.Add(e.Message);
            }
        }
        var ranges = DateRanges(types, request).ToList();
        // A range drives better than any one bound of it: the set of `date=ge..` alone is found by scanning the
        // index from the oldest value until one with a later end, which is most of the history. So those
        // arguments only test candidates; their ranges drive.
        for (var n = 0; n < conditions.Count; n++)
        {
            if (ranges.Any(r => r.Code == arguments[n].Name) && conditions[n] is IndexCondition bound)
                conditions[n] = new RowCondition(bound.Test);
        }
        conditions.AddRange(ranges.Select(r => new DateRangeCondition(types.Select(x => ParamKey.For(x, r.Code)).Distinct().ToArray(), r.From, r.To, types)));
        conditions.AddRange(ReferenceDates(types, arguments, conditions, ranges).ToList());
        return conditions;
    }

    /// <summary>
    /// For a reference argument with one typed value whose parameter is indexed together with a date
    /// (<see cref="ReferenceDateIndex"/>): a condition that drives that date's range within the reference, or
    /// lets a page sorted by the date walk the reference's rows in date order.
    /// </summary>
    private IEnumerable<ReferenceDateCondition> ReferenceDates(IReadOnlyList<string> types, List<(string Name, string Value)> arguments,
        List<Condition> conditions, List<(string Code, long From, long To)> ranges)
    {
        if (types.Count != 1 || ReferenceDateIndex.For(types[0]).Count == 0)
            yield break;
        for (var n = 0; n < arguments.Count; n++)
        {
            var (name, value) = arguments[n];
            var colon = name.IndexOf(':');
            var code = colon < 0 ? name : name[..colon];
            var modifier = colon < 0 ? null : name[(colon + 1)..];
            if (name.Contains('.') || value.Contains(',') || (modifier is not null && !Definitions.IsResourceType(modifier)))
                continue;
            foreach (var pair in ReferenceDateIndex.For(types[0]).Where(p => p.Reference == code))
            {
                if (registry.Find(types[0], code) is not { Type: "reference" } parameter
                    || ParseReference(parameter, modifier, value) is not { Type: not null } target)
                    continue;
                string? tokenCode = null;
                List<Condition> walked = [conditions[n]];
                if (pair.Token is not null)
                {
                    if (TokenArgument(arguments, pair.Token) is not { } token)
                        continue;
                    tokenCode = SplitToken(arguments[token].Value).Code;
                    // A pair row holds the code but not its system: it proves an argument of the code alone (any system).
                    if (!arguments[token].Value.Contains('|'))
                        walked.Add(conditions[token]);
                }
                var range = ranges.FirstOrDefault(r => r.Code == pair.Date);
                // A pair row in the range holds the reference and a date value in it. That value meets each date argument
                // when the range is exactly theirs: bounds only (ge, gt, le, lt), each one value without modifier.
                var dates = Enumerable.Range(0, arguments.Count).Where(m => DateArgumentCode(arguments[m].Name) == pair.Date).ToList();
                var exact = range.Code is not null && dates.All(m => arguments[m].Name == pair.Date && !arguments[m].Value.Contains(',')
                    && SplitPrefix(arguments[m].Value).Prefix is "ge" or "gt" or "le" or "lt");
                List<Condition> proven = [.. walked, .. exact ? dates.Select(m => conditions[m]) : []];
                yield return new ReferenceDateCondition(pair, pair.RefId(target.Id, tokenCode), target.Type,
                    range.Code is null ? null : (range.From, range.To), walked, proven);
            }
        }
    }

    /// <summary>The parameter code of an argument (before a modifier); chains and reverse chains have none.</summary>
    private static string? DateArgumentCode(string name) =>
        name.Contains('.') || name.StartsWith("_has:", StringComparison.Ordinal) ? null : name.Split(':')[0];

    /// <summary>
    /// The index of a plain argument of token parameter <paramref name="token"/> with one value (<c>code</c>, <c>system|code</c>
    /// or <c>|code</c>), for a pair that indexes that token's codes: the rows with its code are the candidates.
    /// </summary>
    private static int? TokenArgument(List<(string Name, string Value)> arguments, string token)
    {
        for (var n = 0; n < arguments.Count; n++)
        {
            var (name, value) = arguments[n];
            if (name != token || value.Contains(',') || value.Contains('\\'))
                continue;
            if (SplitToken(value).Code is { Length: > 0 } code && !code.Contains('|'))
                return n;
        }
        return null;
    }

    /// <summary>
    /// A bounded range from repeated arguments of one date parameter, to drive the query (see <see cref="DateRangeCondition"/>).
    /// Bounds of several arguments make one range only for a date with one value per resource: each argument is met by any
    /// value (https://hl7.org/fhir/R4/search.html#combining), so with several values one may be after the start and another
    /// before the end, and no value need lie in the range.
    /// </summary>
    private IEnumerable<(string Code, long From, long To)> DateRanges(IReadOnlyList<string> types, SearchRequest request)
    {
        var bounds = new Dictionary<string, (long? From, long? To)>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Filters)
        {
            if (name.Contains(':') || name.Contains('.') || value.Contains(',') || registry.Find(types[0], name) is not { Type: "date" })
                continue;
            counts[name] = counts.GetValueOrDefault(name) + 1;
            var (prefix, text) = SplitPrefix(value);
            if (SearchValueExtractor.Bound(text, upper: false) is not { } lower || SearchValueExtractor.Bound(text, upper: true) is not { } upper)
                continue;
            var (lo, hi) = (lower.ToUnixTimeMilliseconds(), upper.ToUnixTimeMilliseconds());
            bounds.TryGetValue(name, out var b);
            b = prefix switch
            {
                "ge" => (Math.Max(b.From ?? long.MinValue, lo), b.To),
                "gt" => (Math.Max(b.From ?? long.MinValue, hi + 1), b.To),
                "lt" => (b.From, Math.Min(b.To ?? long.MaxValue, lo)),
                "le" => (b.From, Math.Min(b.To ?? long.MaxValue, hi + 1)),
                "eq" => (Math.Max(b.From ?? long.MinValue, lo), Math.Min(b.To ?? long.MaxValue, hi + 1)),
                _ => b,
            };
            bounds[name] = b;
        }
        foreach (var (code, (from, to)) in bounds)
        {
            if (from is { } f && to is { } t && (counts[code] == 1 || types.All(type => registry.HasOneValue(type, code))))
                yield return (code, f, t);
        }
    }

    private sealed class UnsupportedParameterException(string message) : Exception(message);

    private static UnsupportedParameterException Unsupported(string message) => new(message);

    private Condition BuildOne(IReadOnlyList<string> types, string name, string value)
    {
        if (name.StartsWith("_has:", StringComparison.Ordinal))
            return Has(types, name, value);
        var dot = name.IndexOf('.');
        if (dot > 0)
            return Chain(types, name[..dot], name[(dot + 1)..], value);

        var colon = name.IndexOf(':');
        var code = colon < 0 ? name : name[..colon];
        var modifier = colon < 0 ? null : name[(colon + 1)..];
        var values = SearchRequest.SplitOr(value);

        if (code == "_id")
            return Id(types, modifier, values);
        if (code == "_lastUpdated")
        {
            if (modifier is not null)
                throw Unsupported($"The modifier :{modifier} is not supported on _lastUpdated");
            var alternatives = values.Select(v => DateAlternative(v, "_lastUpdated", "{0}.last_updated", "{0}.last_updated")).ToList();
            return new RowCondition((a, p) => "(" + string.Join(" OR ", alternatives.Select(f => f(a, p))) + ")");
        }

        var parameter = registry.Find(types[0], code);
        if (parameter is null || types.Skip(1).Any(t => registry.Find(t, code) is null))
            throw Unsupported($"Unknown search parameter '{code}' for {string.Join(",", types)}");
        if (parameter.Type is "special")
            throw Unsupported($"The special search parameter '{code}' is not supported");
        long[] Pids(string suffix = "") => suffix.Length == 0
            ? ReferenceAliases.Pids(types, code)
            : types.Select(t => ParamKey.For(t, code + suffix)).Distinct().ToArray();
        // An aliased reference parameter reads its sources' rows, of its target type only.
        var aliased = types.Any(t => ReferenceAliases.Find(t, code) is not null);
        Func<string, SqlParams, string> Aliased(Func<string, SqlParams, string> alternative) =>
            aliased ? (i, p) => alternative(i, p) + ReferenceAliases.AndRowTest(types, code, i) : alternative;

        if (modifier == "missing")
        {
            if (value is not ("true" or "false"))
                throw FhirException.BadRequest($"{name}={value}: :missing takes true or false");
            var table = TableOf(parameter.Type);
            return new IndexCondition(AuditFile.Table(table, types), Pids(), aliased ? [Aliased((_, _) => "1")] : [], 9, negate: value == "true");
        }

        switch (parameter.Type)
        {
            case "string":
                return modifier switch
                {
                    null => new IndexCondition(AuditFile.Table("ix_string", types), Pids(), values.Select(StringPrefix).ToList(), 4),
                    "exact" => new IndexCondition(AuditFile.Table("ix_string", types), Pids(), values.Select(v => Alt((i, p) =>
                        $"{i}.value = {p.Add(SearchText.Normalize(v))} AND {i}.exact = {p.Add(v)}")).ToList(), 2),
                    "contains" => new IndexCondition(AuditFile.Table("ix_string", types), Pids(), values.Select(v => Alt((i, p) =>
                        $"{i}.value LIKE {p.Add("%" + EscapeLike(SearchText.Normalize(v)) + "%")} ESCAPE '\\'")).ToList(), 7),
                    _ => throw Unsupported($"The modifier :{modifier} is not supported on string parameter '{code}'"),
                };
            case "token":
                return modifier switch
                {
                    null => new IndexCondition(AuditFile.Table("ix_token", types), Pids(), values.Select(TokenAlternative).ToList(), TokenPriority(code, values)),
                    "not" => new IndexCondition(AuditFile.Table("ix_token", types), Pids(), values.Select(TokenAlternative).ToList(), 9, negate: true),
                    "text" => new IndexCondition(AuditFile.Table("ix_string", types), Pids(ParamKey.TextSuffix), values.Select(StringPrefix).ToList(), 3),
                    "of-type" => new IndexCondition(AuditFile.Table("ix_token", types), Pids(ParamKey.OfTypeSuffix), values.Select(v => OfType(name, v)).ToList(), 1),
                    _ => throw Unsupported($"The modifier :{modifier} is not supported on token parameter '{code}'"),
                };
            case "reference":
                if (modifier == "identifier")
                    return new IndexCondition(AuditFile.Table("ix_token", types), Pids(ParamKey.IdentifierSuffix), values.Select(TokenAlternative).ToList(), 1);
                if (modifier is not null && !Definitions.IsResourceType(modifier))
                    throw Unsupported($"The modifier :{modifier} is not supported on reference parameter '{code}'");
                return new IndexCondition(AuditFile.Table("ix_reference", types), Pids(), values.Select(v => Aliased(ReferenceAlternative(parameter, modifier, v))).ToList(), 1);
            case "date":
                if (modifier is not null)
                    throw Unsupported($"The modifier :{modifier} is not supported on date parameter '{code}'");
                return new IndexCondition(AuditFile.Table("ix_date", types), Pids(), values.Select(v => DateAlternative(v, code, "{0}.low", "{0}.high")).ToList(), 5);
            case "number":
                if (modifier is not null)
                    throw Unsupported($"The modifier :{modifier} is not supported on number parameter '{code}'");
                return new IndexCondition(AuditFile.Table("ix_number", types), Pids(), values.Select(v => NumberAlternative(v, code)).ToList(), 4);
            case "quantity":
                if (modifier is not null)
                    throw Unsupported($"The modifier :{modifier} is not supported on quantity parameter '{code}'");
                return new IndexCondition(AuditFile.Table("ix_quantity", types), Pids(), values.Select(v => QuantityAlternative(v, code)).ToList(), 4);
            case "composite":
                if (modifier is not null)
                    throw Unsupported($"The modifier :{modifier} is not supported on composite parameter '{code}'");
                return new IndexCondition(AuditFile.Table("ix_composite", types), Pids(), values.Select(v => CompositeAlternative(parameter, v)).ToList(), 2);
            case "uri":
                return modifier switch
                {
                    null => new IndexCondition(AuditFile.Table("ix_uri", types), Pids(), values.Select(v => Alt((i, p) => $"{i}.uri = {p.Add(v)}")).ToList(), 2),
                    "below" => new IndexCondition(AuditFile.Table("ix_uri", types), Pids(), values.Select(v => Alt((i, p) =>
                        $"{i}.uri >= {p.Add(v)} AND {i}.uri < {p.Add(v + '\uffff')}")).ToList(), 3),
                    "above" => new IndexCondition(AuditFile.Table("ix_uri", types), Pids(), values.Select(v => Alt((i, p) =>
                        $"substr({p.Add(v)}, 1, length({i}.uri)) = {i}.uri")).ToList(), 8),
                    _ => throw Unsupported($"The modifier :{modifier} is not supported on uri parameter '{code}'"),
                };
            default:
                throw Unsupported($"Search parameter '{code}' has type {parameter.Type}, which is not supported");
        }
    }

    public static string TableOf(string type) => type switch
    {
        "string" => "ix_string",
        "token" => "ix_token",
        "reference" => "ix_reference",
        "date" => "ix_date",
        "number" => "ix_number",
        "quantity" => "ix_quantity",
        "uri" => "ix_uri",
        "composite" => "ix_composite",
        _ => throw Unsupported($"Parameters of type {type} are not supported here"),
    };

    private static Func<string, SqlParams, string> Alt(Func<string, SqlParams, string> f) => f;

    private static Condition Id(IReadOnlyList<string> types, string? modifier, List<string> ids)
    {
        if (modifier is not null)
            throw Unsupported($"The modifier :{modifier} is not supported on _id");
        return new RowCondition(
            (a, p) => $"{a}.id IN ({p.List(ids)})",
            p => $"SELECT rid FROM {AuditFile.Table("search_resource", types)} WHERE type IN ({p.List(types)}) AND id IN ({p.List(ids)})",
            priority: 0);
    }

    /// <summary>What a restricted caller may see of <paramref name="type"/>; null when the type is not restricted.</summary>
    public Condition? Restriction(string type, SearchRestriction restriction)
    {
        if (restriction.PatientIds is { } patients)
            return patients.Count == 0 ? new RowCondition((_, _) => "0") : PatientCompartment(type, patients);
        if (restriction.OrganizationId is not { } organization)
            return null;
        var managedBy = ParamKey.For("Patient", "organization");
        if (type == "Patient")
            return new IndexCondition(AuditFile.Table("ix_reference", type), [managedBy], [(i, p) => $"{i}.ref_type = 'Organization' AND {i}.ref_id = {p.Add(organization)}"], 1);
        if (!Definitions.GetCompartment("Patient").TryGetValue(type, out var parameters))
            return null;
        // The compartment's parameters all target Patient, and the rows are tested for type Patient: aliases need no extra test.
        var pids = parameters.Where(c => registry.Find(type, c) is not null).SelectMany(c => ReferenceAliases.Pids([type], c)).Distinct().ToArray();
        if (pids.Length == 0)
            return null;
        return new IndexCondition(AuditFile.Table("ix_reference", type), pids, [(i, p) =>
            $"{i}.ref_type = 'Patient' AND EXISTS (SELECT 1 FROM search_resource pt CROSS JOIN ix_reference o ON o.rid = pt.rid " +
            $"WHERE pt.type = 'Patient' AND pt.id = {i}.ref_id AND o.pid = {managedBy} AND o.ref_id = {p.Add(organization)} AND o.ref_type = 'Organization')"], 9);
    }

    /// <summary>
    /// The restriction for the rows of contained resources: a contained resource may be seen by whoever may see its container.
    /// Its row names the container's patients (search_resource.patients, as the container's does) and the container in its id
    /// ("ContainerType/id#local"), which is what <see cref="Restriction"/> decides on for the container.
    /// </summary>
    public Condition ContainedRestriction(SearchRestriction restriction)
    {
        // The ids in the column hold no comma or quote ([A-Za-z0-9.-]), so it reads as a JSON array of strings.
        static string Patients(string a) => $$"""json_each('["' || replace({{a}}.patients, ',', '","') || '"]')""";
        if (restriction.PatientIds is { } patients)
        {
            return patients.Count == 0
                ? new RowCondition((_, _) => "0")
                : new RowCondition((a, p) => $"EXISTS (SELECT 1 FROM {Patients(a)} WHERE value IN ({p.List(patients)}))");
        }
        if (restriction.OrganizationId is not { } organization)
            return new RowCondition((_, _) => "1");
        // Containers outside the patient compartment are open to the organisation's staff, as Restriction says.
        var compartmentTypes = Definitions.GetCompartment("Patient").Keys.Append("Patient").ToList();
        var managedBy = ParamKey.For("Patient", "organization");
        return new RowCondition((a, p) =>
            $"(substr({a}.id, 1, instr({a}.id, '/') - 1) NOT IN ({p.List(compartmentTypes)}) OR EXISTS (SELECT 1 FROM {Patients(a)} j " +
            $"CROSS JOIN search_resource pt ON pt.type = 'Patient' AND pt.id = j.value CROSS JOIN ix_reference o ON o.rid = pt.rid " +
            $"WHERE o.pid = {managedBy} AND o.ref_id = {p.Add(organization)} AND o.ref_type = 'Organization'))");
    }

    /// <summary>Conditions that put a resource of <paramref name="type"/> in the compartment of the given patients.</summary>
    public Condition PatientCompartment(string type, IReadOnlyCollection<string> patientIds)
    {
        if (type == "Patient")
            return new RowCondition((a, p) => $"{a}.id IN ({p.List(patientIds)})",
                p => $"SELECT rid FROM search_resource WHERE type = 'Patient' AND id IN ({p.List(patientIds)})", 0);
        if (!Definitions.GetCompartment("Patient").TryGetValue(type, out var parameters))
            return new RowCondition((_, _) => "0");
        // The compartment's parameters all target Patient, and the rows are tested for type Patient: aliases need no extra test.
        var pids = parameters.Where(c => registry.Find(type, c) is not null).SelectMany(c => ReferenceAliases.Pids([type], c)).Distinct().ToArray();
        if (pids.Length == 0)
            return new RowCondition((_, _) => "0");
        return new IndexCondition(AuditFile.Table("ix_reference", type), pids,
            [(i, p) => $"{i}.ref_type = 'Patient' AND {i}.ref_id IN ({p.List(patientIds)})"], 1);
    }

    private Condition Chain(IReadOnlyList<string> types, string head, string tail, string value)
    {
        var colon = head.IndexOf(':');
        var code = colon < 0 ? head : head[..colon];
        var targetType = colon < 0 ? null : head[(colon + 1)..];
        var parameter = registry.Find(types[0], code);
        if (parameter is null)
            throw Unsupported($"Unknown search parameter '{code}' in chain {head}.{tail}");
        if (parameter.Type != "reference")
            throw FhirException.BadRequest($"'{code}' is a {parameter.Type} parameter; only reference parameters can be chained");
        if (targetType is not null && !Definitions.IsResourceType(targetType))
            throw FhirException.BadRequest($"'{targetType}' in {head} is not a resource type");
        var tailCode = tail.Split(['.', ':'])[0];
        var candidates = targetType is not null ? [targetType] : parameter.Target.Where(Definitions.IsResourceType).ToList();
        // An alias's source rows name other types too; its own rows would only name its target.
        if (types.Select(t => ReferenceAliases.Find(t, code)).OfType<ReferenceAliases.Alias>().FirstOrDefault() is { } alias)
        {
            if (targetType is not null && targetType != alias.TargetType)
                return new RowCondition((_, _) => "0");
            candidates = candidates.Where(c => c == alias.TargetType).ToList();
        }
        var targets = new List<TypedFilter>();
        foreach (var target in candidates)
        {
            if (tailCode is not ("_id" or "_lastUpdated" or "_has") && registry.Find(target, tailCode) is null)
                continue;
            TypesRead.Add(target);
            // A chain is evaluated inside contained resources too (https://hl7.org/fhir/R4/search.html#contained). They are
            // part of the resource searched, which the restriction (if any) already limits: it applies to the others only.
            var condition = BuildOne([target], tail, value);
            if (Restrict is null)
                targets.Add(new TypedFilter(target, [condition], RowKinds.Both));
            else
            {
                targets.Add(new TypedFilter(target, Restricted(target, condition)));
                targets.Add(new TypedFilter(target, [condition], RowKinds.Contained));
            }
        }
        if (targets.Count == 0)
            throw Unsupported($"No target of '{code}' has a search parameter '{tailCode}'");
        return new ChainCondition(ReferenceAliases.Pids(types, code), targets, types);
    }

    private Condition Has(IReadOnlyList<string> types, string name, string value)
    {
        var parts = name.Split(':', 4);
        if (parts.Length < 4 || parts[1].Length == 0 || parts[2].Length == 0 || parts[3].Length == 0)
            throw FhirException.BadRequest($"'{name}' is not _has:Type:reference:parameter");
        var (source, referenceCode, rest) = (parts[1], parts[2], parts[3]);
        if (!Definitions.IsResourceType(source))
            throw FhirException.BadRequest($"'{source}' in {name} is not a resource type");
        var reference = registry.Find(source, referenceCode);
        if (reference is null || reference.Type != "reference")
            throw Unsupported($"'{referenceCode}' is not a reference search parameter of {source}");
        TypesRead.Add(source);
        var inner = BuildOne([source], rest, value);
        return new HasCondition(ReferenceAliases.Pids([source], referenceCode), ReferenceAliases.Find(source, referenceCode)?.TargetType,
            new TypedFilter(source, Restricted(source, inner)), types);
    }

    private static Func<string, SqlParams, string> StringPrefix(string value)
    {
        var normalized = SearchText.Normalize(value);
        return (i, p) => normalized.Length == 0
            ? "1"
            : $"{i}.value >= {p.Add(normalized)} AND {i}.value < {p.Add(normalized + '\uffff')}";
    }

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static (string? System, string Code) SplitToken(string value)
    {
        var bar = value.IndexOf('|');
        return bar < 0 ? (null, value) : (value[..bar], value[(bar + 1)..]);
    }

    private static int TokenPriority(string code, List<string> values) =>
        code is "identifier" or "_tag" ? 1 : values.All(v => SplitToken(v).Code.Length > 0) ? 3 : 8;

    private static Func<string, SqlParams, string> TokenAlternative(string value) => TokenAlternative(value, "code", "system");

    private static Func<string, SqlParams, string> TokenAlternative(string value, string codeColumn, string systemColumn)
    {
        var (system, code) = SplitToken(value);
        return (i, p) => (system, code) switch
        {
            (null, _) => $"{i}.{codeColumn} = {p.Add(code)}",
            (_, "") => $"{i}.{systemColumn} = {p.Add(system)}",
            _ => $"{i}.{codeColumn} = {p.Add(code)} AND {i}.{systemColumn} = {p.Add(system)}",
        };
    }

    /// <summary>https://hl7.org/fhir/R4/search.html#composite: <c>first$second</c>, both from the same element.</summary>
    private Func<string, SqlParams, string> CompositeAlternative(SearchParameterDefinition parameter, string value)
    {
        var parts = value.Split('$');
        var kinds = parameter.Components
            .Select(c => Definitions.SearchParameters.FirstOrDefault(d => d.Url == c.Definition)?.Type)
            .ToList();
        if (kinds.Count != 2 || kinds[0] is not ("token" or "reference") || kinds[1] is not ("token" or "string" or "quantity" or "date"))
            throw Unsupported($"The composite search parameter '{parameter.Code}' has components this server does not index");
        if (parts.Length != 2)
            throw FhirException.BadRequest($"{parameter.Code}={value}: a composite value has two parts separated by $");
        var first = kinds[0] == "reference"
            ? CompositeReference(parts[0])
            : TokenAlternative(parts[0], "c1", "c1_system");
        var second = kinds[1] switch
        {
            "token" => TokenAlternative(parts[1], "c2", "c2_system"),
            "string" => (i, p) => StringPrefix(parts[1])(i, p).Replace($"{i}.value", $"{i}.c2", StringComparison.Ordinal),
            "quantity" => QuantityAlternative(parts[1], parameter.Code, "c2", "c2_system"),
            _ => DateAlternative(parts[1], parameter.Code, "{0}.low", "{0}.high"),
        };
        return (i, p) => first(i, p) + " AND " + second(i, p);
    }

    private static Func<string, SqlParams, string> CompositeReference(string value)
    {
        var slash = value.LastIndexOf('/');
        return slash < 0
            ? (i, p) => $"{i}.c1 = {p.Add(value)}"
            : (i, p) => $"{i}.c1 = {p.Add(value[(slash + 1)..])} AND {i}.c1_system = {p.Add(value[..slash])}";
    }

    private static Func<string, SqlParams, string> OfType(string name, string value)
    {
        var parts = value.Split('|');
        if (parts.Length != 3 || parts[2].Length == 0)
            throw FhirException.BadRequest($"{name}={value}: :of-type takes type-system|type-code|value");
        return (i, p) => $"{i}.code = {p.Add(parts[2])} AND {i}.system = {p.Add(parts[0] + "|" + parts[1])}";
    }

    private Func<string, SqlParams, string> ReferenceAlternative(SearchParameterDefinition parameter, string? typeModifier, string value)
    {
        var (id, type) = ParseReference(parameter, typeModifier, value);
        return type is null
            ? (i, p) => $"{i}.ref_id = {p.Add(id)} AND {i}.ref_type <> ''"
            : (i, p) => $"{i}.ref_id = {p.Add(id)} AND {i}.ref_type = {p.Add(type)}";
    }

    /// <summary>
    /// The index key a reference argument matches: an absolute URL (type ''), <c>Type/id</c>, or an id whose type
    /// comes from the modifier or the parameter's only target (type null when any type matches).
    /// </summary>
    private (string Id, string? Type) ParseReference(SearchParameterDefinition parameter, string? typeModifier, string value)
    {
        var reference = value;
        if (baseUrl is not null && reference.StartsWith(baseUrl.TrimEnd('/') + "/", StringComparison.Ordinal))
            reference = reference[(baseUrl.TrimEnd('/').Length + 1)..];
        if (reference.Contains("://", StringComparison.Ordinal) || reference.StartsWith("urn:", StringComparison.Ordinal))
        {
            var bar = reference.IndexOf('|');
            return (bar < 0 ? reference : reference[..bar], "");
        }
        var history = reference.IndexOf("/_history/", StringComparison.Ordinal);
        if (history > 0)
            reference = reference[..history];
        var slash = reference.IndexOf('/');
        string? type = typeModifier;
        var id = reference;
        if (slash > 0)
        {
            type = reference[..slash];
            id = reference[(slash + 1)..];
            if (!Definitions.IsResourceType(type) || (typeModifier is not null && typeModifier != type))
                throw FhirException.BadRequest($"'{value}' is not a reference this parameter can match");
        }
        if (type is null && parameter.Target.Count == 1)
            type = parameter.Target[0];
        return (id, type);
    }

    private static (string Prefix, string Text) SplitPrefix(string value) =>
        value.Length > 2 && Prefixes.Contains(value[..2]) ? (value[..2], value[2..]) : ("eq", value);

    /// <summary>Date comparisons as ranges (https://hl7.org/fhir/R4/search.html#prefix): the value covers [lo, hi], the resource [low, high].</summary>
    private Func<string, SqlParams, string> DateAlternative(string value, string code, string lowColumn, string highColumn)
    {
        var (prefix, text) = SplitPrefix(value);
        if (SearchValueExtractor.Bound(text, upper: false) is not { } lower || SearchValueExtractor.Bound(text, upper: true) is not { } upper
            || text.Length < 4 || !char.IsAsciiDigit(text[0]))
            throw FhirException.BadRequest($"{code}={value}: '{text}' is not a FHIR date such as 2026-03 or 2026-03-15T10:00:00Z");
        var lo = lower.ToUnixTimeMilliseconds();
        var hi = upper.ToUnixTimeMilliseconds();
        if (prefix == "ap")
        {
            var spread = (long)(Math.Abs(clock.GetUtcNow().ToUnixTimeMilliseconds() - lo) * 0.1);
            lo -= spread;
            hi += spread;
        }
        return (a, p) =>
        {
            var low = string.Format(CultureInfo.InvariantCulture, lowColumn, a);
            var high = string.Format(CultureInfo.InvariantCulture, highColumn, a);
            return prefix switch
            {
                "eq" => $"{low} >= {p.Add(lo)} AND {low} <= {p.Add(hi)} AND {high} <= {p.Add(hi)}",
                "ne" => $"({low} < {p.Add(lo)} OR {high} > {p.Add(hi)})",
                "gt" => $"{high} > {p.Add(hi)}",
                "lt" => $"{low} < {p.Add(lo)}",
                "ge" => $"{high} >= {p.Add(lo)}",
                "le" => $"{low} <= {p.Add(hi)}",
                "sa" => $"{low} > {p.Add(hi)}",
                "eb" => $"{high} < {p.Add(lo)}",
                _ => $"{low} <= {p.Add(hi)} AND {high} >= {p.Add(lo)}",
            };
        };
    }

    private static decimal ParseDecimal(string text, string code, string value)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var d))
            throw FhirException.BadRequest($"{code}={value}: '{text}' is not a number");
        return d;
    }

    /// <summary>https://hl7.org/fhir/R4/search.html#number: eq means within the precision of the value given.</summary>
    private static Func<string, SqlParams, string> NumberAlternative(string value, string code)
    {
        var (prefix, text) = SplitPrefix(value);
        var d = ParseDecimal(text, code, value);
        var (lo, hi) = SearchValueExtractor.PrecisionRange(d);
        var (apLo, apHi) = (d - Math.Abs(d) * 0.1m, d + Math.Abs(d) * 0.1m);
        return (i, p) => prefix switch
        {
            "eq" => $"{i}.value >= {p.Add((double)lo)} AND {i}.value < {p.Add((double)hi)}",
            "ne" => $"({i}.value < {p.Add((double)lo)} OR {i}.value >= {p.Add((double)hi)})",
            "gt" or "sa" => $"{i}.value > {p.Add((double)d)}",
            "lt" or "eb" => $"{i}.value < {p.Add((double)d)}",
            "ge" => $"{i}.value >= {p.Add((double)d)}",
            "le" => $"{i}.value <= {p.Add((double)d)}",
            _ => $"{i}.value >= {p.Add((double)apLo)} AND {i}.value <= {p.Add((double)apHi)}",
        };
    }

    /// <summary>https://hl7.org/fhir/R4/search.html#quantity: <c>[prefix]number|system|code</c> or <c>number||unit</c>.</summary>
    private static Func<string, SqlParams, string> QuantityAlternative(string value, string code, string unitColumn = "code", string systemColumn = "system")
    {
        var (prefix, rest) = SplitPrefix(value);
        var parts = rest.Split('|');
        if (parts.Length is not (1 or 3))
            throw FhirException.BadRequest($"{code}={value} is not number, number|system|code or number||code");
        var d = ParseDecimal(parts[0], code, value);
        var (lo, hi) = SearchValueExtractor.PrecisionRange(d);
        var (apLo, apHi) = (d - Math.Abs(d) * 0.1m, d + Math.Abs(d) * 0.1m);
        var system = parts.Length == 3 && parts[1].Length > 0 ? parts[1] : null;
        var unit = parts.Length == 3 && parts[2].Length > 0 ? parts[2] : null;
        return (i, p) =>
        {
            var range = prefix switch
            {
                "eq" => $"{i}.low >= {p.Add((double)lo)} AND {i}.high < {p.Add((double)hi)}",
                "ne" => $"({i}.low < {p.Add((double)lo)} OR {i}.high >= {p.Add((double)hi)})",
                "gt" => $"{i}.high > {p.Add((double)d)}",
                "lt" => $"{i}.low < {p.Add((double)d)}",
                "ge" => $"{i}.high >= {p.Add((double)d)}",
                "le" => $"{i}.low <= {p.Add((double)d)}",
                "sa" => $"{i}.low > {p.Add((double)d)}",
                "eb" => $"{i}.high < {p.Add((double)d)}",
                _ => $"{i}.low <= {p.Add((double)apHi)} AND {i}.high >= {p.Add((double)apLo)}",
            };
            if (unit is not null)
                range = $"{i}.{unitColumn} = {p.Add(unit)} AND " + range;
            if (system is not null)
                range = $"{i}.{systemColumn} = {p.Add(system)} AND " + range;
            return range;
        };
    }
}
