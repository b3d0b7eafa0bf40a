namespace Fhir.Server.Definitions;

/// <summary>
/// A SearchParameter from the official definitions. https://hl7.org/fhir/R4/searchparameter.html
/// </summary>
public sealed record SearchParameterDefinition(
    string Url,
    string Code,
    string Name,
    string Type,
    IReadOnlyList<string> Base,
    string? Expression,
    IReadOnlyList<string> Target,
    IReadOnlyList<SearchParameterComponent> Components,
    IReadOnlyList<string> Modifiers,
    IReadOnlyList<string> Comparators,
    bool MultipleOr,
    bool MultipleAnd)
{
    public override string ToString() => Url;
}

/// <summary>A component of a composite search parameter.</summary>
public sealed record SearchParameterComponent(string Definition, string Expression);
