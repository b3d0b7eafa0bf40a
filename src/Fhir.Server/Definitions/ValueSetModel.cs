namespace Fhir.Server.Definitions;

/// <summary>Whether a code is in a value set, or that this server cannot tell.</summary>
public enum ValueSetMembership
{
    NotMember,
    Member,

    /// <summary>The value set uses filters or code systems not held here; no guess is made.</summary>
    CannotCheck,
}

/// <summary>
/// A ValueSet whose compose is expanded locally from enumerated concepts and the complete
/// CodeSystems held in fhir-profiles. https://hl7.org/fhir/R4/valueset.html#compositions
/// </summary>
public sealed class ValueSetModel
{
    private readonly FhirDefinitions _definitions;
    private readonly IReadOnlyList<ComposePart> _include;
    private readonly IReadOnlyList<ComposePart> _exclude;
    private Expansion? _expansion;

    internal ValueSetModel(FhirDefinitions definitions, string url, string? name, string? version,
        IReadOnlyList<ComposePart> include, IReadOnlyList<ComposePart> exclude)
    {
        _definitions = definitions;
        Url = url;
        Name = name;
        Version = version;
        _include = include;
        _exclude = exclude;
    }

    public string Url { get; }

    public string? Name { get; }

    public string? Version { get; }

    /// <summary>True when every code of the set is known here, so membership answers are definite.</summary>
    public bool IsExpandable => GetExpansion().Complete;

    /// <summary>The expanded (system, code) pairs; partial when <see cref="IsExpandable"/> is false.</summary>
    public IReadOnlyCollection<(string System, string Code)> Concepts => GetExpansion().Codes;

    /// <summary>Membership of a code; with a null system any system of the set matches (for <c>code</c> elements).</summary>
    public ValueSetMembership Contains(string? system, string code)
    {
        var expansion = GetExpansion();
        bool found = system is null ? expansion.CodesOnly.Contains(code) : expansion.Codes.Contains((system, code));
        if (found) return ValueSetMembership.Member;
        return expansion.Complete ? ValueSetMembership.NotMember : ValueSetMembership.CannotCheck;
    }

    private Expansion GetExpansion() => _expansion ??= Expand([]);

    private Expansion Expand(HashSet<string> visiting)
    {
        if (_expansion is not null) return _expansion;
        visiting.Add(Url);
        var complete = true;
        var codes = new HashSet<(string, string)>();
        foreach (var part in _include)
        {
            complete &= Collect(part, codes, visiting);
        }
        foreach (var part in _exclude)
        {
            var excluded = new HashSet<(string, string)>();
            if (!Collect(part, excluded, visiting)) complete = false;
            codes.ExceptWith(excluded);
        }
        var codesOnly = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, code) in codes) codesOnly.Add(code);
        return new Expansion(complete, codes, codesOnly);
    }

    private bool Collect(ComposePart part, HashSet<(string, string)> into, HashSet<string> visiting)
    {
        var complete = true;
        HashSet<(string, string)>? fromSystem = null;
        if (part.System is not null)
        {
            if (part.Concepts.Count > 0)
            {
                fromSystem = [];
                foreach (var code in part.Concepts) fromSystem.Add((part.System, code));
            }
            else if (!part.HasFilter && _definitions.GetCodeSystemCodes(part.System) is { } all)
            {
                fromSystem = [];
                foreach (var code in all) fromSystem.Add((part.System, code));
            }
            else
            {
                complete = false;
                fromSystem = [];
            }
        }
        if (part.Concepts.Count > 0 && part.HasFilter) complete = false;

        HashSet<(string, string)>? fromValueSets = null;
        foreach (var canonical in part.ValueSets)
        {
            var valueSet = _definitions.GetValueSet(canonical);
            if (valueSet is null || visiting.Contains(valueSet.Url))
            {
                complete = false;
                continue;
            }
            var expansion = valueSet.Expand(visiting);
            complete &= expansion.Complete;
            if (fromValueSets is null) fromValueSets = [.. expansion.Codes];
            else fromValueSets.IntersectWith(expansion.Codes);
        }

        if (fromSystem is not null && fromValueSets is not null) fromSystem.IntersectWith(fromValueSets);
        into.UnionWith(fromSystem ?? fromValueSets ?? []);
        return complete;
    }

    public override string ToString() => Url;

    internal sealed record ComposePart(string? System, IReadOnlyList<string> Concepts, bool HasFilter, IReadOnlyList<string> ValueSets);

    private sealed record Expansion(bool Complete, HashSet<(string System, string Code)> Codes, HashSet<string> CodesOnly);
}
