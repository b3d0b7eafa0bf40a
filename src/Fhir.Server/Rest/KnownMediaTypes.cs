namespace Fhir.Server.Rest;

/// https://hl7.org/fhir/R4/http.html#mime-type
public static class KnownMediaTypes
{
    public const string FhirJson = "application/fhir+json";
    public const string Json = "application/json";
    public const string JsonPatch = "application/json-patch+json";
    public const string FhirJsonUtf8 = "application/fhir+json; charset=utf-8";
}

public static class KnownHeaders
{
    public const string Prefer = "Prefer";
    public const string IfMatch = "If-Match";
    public const string IfNoneMatch = "If-None-Match";
    public const string IfModifiedSince = "If-Modified-Since";
    public const string IfNoneExist = "If-None-Exist";
    public const string PreferenceApplied = "Preference-Applied";
}
