using System.Collections.Concurrent;
using System.Text.Json;
using Fhir.Server.Definitions;

namespace Fhir.Server.Validation;

/// <summary>
/// Validates a resource in its JSON form against the StructureDefinitions it claims (its type and any
/// <c>meta.profile</c> held here): JSON shape (https://hl7.org/fhir/R4/json.html), unknown elements,
/// types, cardinality, primitive formats (https://hl7.org/fhir/R4/datatypes.html), choice types,
/// primitive extensions, contained resources (https://hl7.org/fhir/R4/references.html#contained),
/// reference format (https://hl7.org/fhir/R4/references.html#Reference) and required bindings
/// (https://hl7.org/fhir/R4/terminologies.html#required). Nothing is written per resource type.
/// FHIRPath invariants are left to an <see cref="IConstraintEvaluator"/>, when one is given.
/// Thread-safe; register as a singleton.
/// </summary>
public sealed class ResourceValidator
{
    private readonly ConcurrentDictionary<ElementModel, ValidationNode> _nodes = new();

    public ResourceValidator(FhirDefinitions definitions, IConstraintEvaluator? constraints = null)
    {
        Definitions = definitions;
        Constraints = constraints;
        ElementNode = NodeFor(definitions.GetStructure("Element")!.Root);
    }

    internal FhirDefinitions Definitions { get; }

    internal IConstraintEvaluator? Constraints { get; }

    /// <summary>Children allowed in a primitive's <c>_x</c> companion object: id and extension.</summary>
    internal ValidationNode ElementNode { get; }

    /// <summary>Validates one resource; <paramref name="expectedType"/> is the type the caller requires (e.g. from the URL).</summary>
    public ValidationResult Validate(JsonElement resource, string? expectedType = null)
    {
        var walk = new ValidationWalk(this);
        walk.ValidateRoot(resource, expectedType);
        return new ValidationResult(walk.Issues);
    }

    internal ValidationNode NodeFor(ElementModel owner) =>
        _nodes.TryGetValue(owner, out var node) ? node : _nodes.GetOrAdd(owner, o => new ValidationNode(o, Definitions));
}
