using System.Text.Json;
using Fhir.Server.Definitions;

namespace Fhir.Server.Validation;

/// <summary>
/// The seam for FHIRPath invariants (ElementDefinition.constraint). The validator calls it, when one
/// is registered, for every element value whose definition declares constraints; without one,
/// invariants are not checked. https://hl7.org/fhir/R4/conformance-rules.html#constraints
/// </summary>
public interface IConstraintEvaluator
{
    /// <summary>
    /// Evaluates one constraint with <paramref name="focus"/> as context and <paramref name="resource"/>
    /// as %resource. Returns true when satisfied, false when violated, null when it cannot be evaluated.
    /// </summary>
    bool? Evaluate(ElementConstraint constraint, JsonElement focus, JsonElement resource);
}
