using System.Text.Json;
using Fhir.Server.Definitions;
using Fhir.Server.Search.Extraction;

namespace Identity.Access;

/// <summary>
/// Which patients a resource belongs to, by the patient CompartmentDefinition: the resource's values
/// of the compartment's search parameters that reference a Patient (a Patient is its own member).
/// https://hl7.org/fhir/R4/compartmentdefinition-patient.html
/// </summary>
public sealed class PatientCompartment(FhirDefinitions definitions)
{
    private readonly SearchValueExtractor _extractor = new(definitions);
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _compartment = definitions.GetCompartment("Patient");

    /// <summary>True when resources of this type can hold patient data (Patient itself or a compartment member type).</summary>
    public bool IsPatientData(string type) => type == "Patient" || _compartment.ContainsKey(type);

    public IReadOnlySet<string> PatientsOf(string type, JsonElement resource)
    {
        var patients = new HashSet<string>(StringComparer.Ordinal);
        if (type == "Patient")
        {
            if (resource.TryGetProperty("id", out var id) && id.GetString() is { } own)
                patients.Add(own);
            return patients;
        }
        if (!_compartment.TryGetValue(type, out var codes))
            return patients;
        foreach (var code in codes)
        {
            if (code == "{def}")
                continue;
            var parameter = definitions.SearchParametersFor(type).FirstOrDefault(p => p.Code == code);
            if (parameter is null)
                continue;
            foreach (var entry in _extractor.Extract(resource, parameter))
            {
                if (entry is ReferenceIndexEntry { ResourceType: "Patient", Id: { } patientId })
                    patients.Add(patientId);
            }
        }
        return patients;
    }
}
