using Fhir.Server.Definitions;

namespace Fhir.Server.FhirPath;

/// <summary>
/// Optional settings for one evaluation: the definitions that give nodes their FHIR types, the
/// <c>%resource</c>/<c>%rootResource</c> when the focus is not the resource itself, user variables
/// (<c>%name</c>), a sink for <c>trace()</c>, and the clock for <c>now()</c>/<c>today()</c>.
/// https://hl7.org/fhir/R4/fhirpath.html#variables
/// </summary>
public sealed class FhirPathContext
{
    /// <summary>Type information; <see cref="FhirDefinitions.Default"/> when null.</summary>
    public FhirDefinitions? Definitions { get; init; }

    /// <summary><c>%resource</c> when evaluating from a focus inside it (e.g. composite components).</summary>
    public FhirPathValue? Resource { get; init; }

    /// <summary><c>%rootResource</c>: the container when <see cref="Resource"/> is a contained resource.</summary>
    public FhirPathValue? RootResource { get; init; }

    /// <summary>Values for <c>%name</c>; they win over the built-in constants of the same name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<FhirPathValue>>? Variables { get; init; }

    /// <summary>Receives <c>trace(name)</c> output; ignored when null.</summary>
    public Action<string, IReadOnlyList<FhirPathValue>>? Trace { get; init; }

    /// <summary>
    /// When true, <c>as</c> on a collection of several items filters it like <c>ofType</c> instead of
    /// failing as FHIRPath N1 requires. R4 search expressions such as
    /// <c>(ActivityDefinition.useContext.value as CodeableConcept)</c> meet repeating elements; R5 rewrote
    /// them with <c>ofType</c>. Search extraction sets this; everything else keeps the strict rule.
    /// </summary>
    public bool LenientAs { get; init; }

    /// <summary>The instant <c>now()</c> returns; the system clock when null.</summary>
    public DateTimeOffset? Now { get; init; }
}
