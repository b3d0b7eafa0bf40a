using System.Text.Json;

namespace Identity.OAuth;

/// <summary>
/// CapabilityStatement.rest.security with the SMART service code and the oauth-uris extension.
/// https://hl7.org/fhir/smart-app-launch/conformance.html#using-cors ; https://hl7.org/fhir/smart-app-launch/STU1/conformance.html
/// </summary>
internal static class SmartCapability
{
    public static void Write(Utf8JsonWriter w, string fhirBase)
    {
        var origin = fhirBase.EndsWith("/fhir", StringComparison.Ordinal) ? fhirBase[..^"/fhir".Length] : fhirBase;
        var issuer = origin + IssuerUrls.Prefix;
        w.WriteStartObject("security");
        w.WriteBoolean("cors", false);
        w.WriteStartArray("service");
        w.WriteStartObject();
        w.WriteStartArray("coding");
        w.WriteStartObject();
        w.WriteString("system", "http://terminology.hl7.org/CodeSystem/restful-security-service");
        w.WriteString("code", "SMART-on-FHIR");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("text", "OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("extension");
        w.WriteStartObject();
        w.WriteString("url", "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
        w.WriteStartArray("extension");
        foreach (var (name, path) in new[] { ("authorize", "/authorize"), ("token", "/token"), ("introspect", "/introspect"), ("revoke", "/revoke") })
        {
            w.WriteStartObject();
            w.WriteString("url", name);
            w.WriteString("valueUri", issuer + path);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("description", "Bearer access tokens from the SMART authorization server; /.well-known/smart-configuration describes it");
        w.WriteEndObject();
    }
}
