using System.Text.Json;
using Fhir.Server.Definitions;
using Fhir.Server.Validation;

namespace Fhir.Server.Tests.Validation;

/// <summary>Unit tests of each rule of <see cref="ResourceValidator"/> (https://hl7.org/fhir/R4/json.html).</summary>
public sealed class ResourceValidatorTests
{
    [Fact]
    public void Validate_MinimalPatient_IsValid() =>
        V.Valid(V.Validate("""{"resourceType":"Patient"}"""));

    [Fact]
    public void Validate_TypicalPatient_IsValid() =>
        V.Valid(V.Validate("""
            {"resourceType":"Patient","id":"p-1.a","meta":{"versionId":"1","lastUpdated":"2024-01-02T03:04:05.123+01:00"},
             "identifier":[{"system":"http://fhir.nl/fhir/NamingSystem/bsn","value":"111222333"}],
             "active":true,"name":[{"use":"official","family":"Jansen","given":["Anna","Maria"]}],
             "telecom":[{"system":"phone","value":"0612345678"}],"gender":"female","birthDate":"1980-02-29",
             "deceasedBoolean":false,"multipleBirthInteger":2,
             "address":[{"line":["Dorpsstraat 1"],"city":"Utrecht","postalCode":"3511 AA","country":"NL"}],
             "generalPractitioner":[{"reference":"Practitioner/gp-1","display":"Dr. De Vries"}],
             "managingOrganization":{"reference":"Organization/praktijk"}}
            """));

    [Fact]
    public void Validate_MissingResourceType_ReportsRequired() =>
        V.Single(V.Validate("""{"id":"x"}"""), "Resource", IssueType.Required);

    [Fact]
    public void Validate_ResourceNotAnObject_ReportsStructure() =>
        V.Single(V.Validate("""[{"resourceType":"Patient"}]"""), "Resource", IssueType.Structure);

    [Theory]
    [InlineData("Patientt")]
    [InlineData("DomainResource")]
    [InlineData("HumanName")]
    [InlineData("patient")]
    public void Validate_UnknownOrAbstractResourceType_ReportsInvalid(string type)
    {
        var issue = V.Single(V.Validate($$"""{"resourceType":"{{type}}"}"""), "Resource", IssueType.Invalid);
        Assert.Contains($"'{type}'", issue.Diagnostics);
    }

    [Fact]
    public void Validate_ExpectedTypeMismatch_ReportsInvalid()
    {
        var issue = V.Single(V.Validate("""{"resourceType":"Patient"}""", "Observation"), "Patient", IssueType.Invalid);
        Assert.Contains("'Observation' was expected", issue.Diagnostics);
    }

    [Fact]
    public void Validate_UnknownElement_ReportsLocation()
    {
        var result = V.Validate("""{"resourceType":"Patient","name":[{"family":"A"},{"given":["B"],"nickname":"x"}],"foo":1}""");
        Assert.Equal(["Patient.name[1].nickname", "Patient.foo"], result.Issues.Select(i => i.Expression));
        Assert.All(result.Issues, i => Assert.Equal(IssueType.Structure, i.Code));
        Assert.Contains("Unknown element 'nickname'", result.Issues[0].Diagnostics);
    }

    [Fact]
    public void Validate_ResourceTypeInsideElement_IsUnknown() =>
        V.Single(V.Validate("""{"resourceType":"Patient","name":[{"resourceType":"HumanName"}]}"""), "Patient.name[0].resourceType", IssueType.Structure);

    [Fact]
    public void Validate_ObjectWhereArrayRequired_ReportsStructure()
    {
        var issue = V.Single(V.Validate("""{"resourceType":"Patient","name":{"family":"A"}}"""), "Patient.name", IssueType.Structure);
        Assert.Contains("must be an array", issue.Diagnostics);
    }

    [Fact]
    public void Validate_ArrayWhereSingleValue_ReportsStructure()
    {
        var issue = V.Single(V.Validate("""{"resourceType":"Patient","gender":["male"]}"""), "Patient.gender", IssueType.Structure);
        Assert.Contains("must not be an array", issue.Diagnostics);
    }

    [Fact]
    public void Validate_NullValue_ReportsStructure() =>
        V.Single(V.Validate("""{"resourceType":"Patient","gender":null}"""), "Patient.gender", IssueType.Structure);

    [Fact]
    public void Validate_NullInComplexArray_ReportsStructure() =>
        V.Single(V.Validate("""{"resourceType":"Patient","name":[{"family":"A"},null]}"""), "Patient.name[1]", IssueType.Structure);

    [Fact]
    public void Validate_NullInPrimitiveArrayWithoutExtension_ReportsStructure() =>
        V.Single(V.Validate("""{"resourceType":"Patient","name":[{"given":["A",null]}]}"""), "Patient.name[0].given[1]", IssueType.Structure);

    [Fact]
    public void Validate_EmptyObject_ReportsStructure() =>
        V.Single(V.Validate("""{"resourceType":"Patient","maritalStatus":{}}"""), "Patient.maritalStatus", IssueType.Structure);

    [Fact]
    public void Validate_EmptyArray_ReportsStructure() =>
        V.Single(V.Validate("""{"resourceType":"Patient","name":[]}"""), "Patient.name", IssueType.Structure);

    [Fact]
    public void Validate_EmptyString_ReportsStructure() =>
        V.Single(V.Validate("""{"resourceType":"Patient","name":[{"family":""}]}"""), "Patient.name[0].family", IssueType.Structure);

    [Fact]
    public void Validate_DuplicateProperty_ReportsStructure() =>
        V.Single(V.Validate("""{"resourceType":"Patient","active":true,"active":false}"""), "Patient.active", IssueType.Structure);

    [Theory]
    [InlineData("\"active\":\"true\"", "Patient.active")]
    [InlineData("\"active\":1", "Patient.active")]
    [InlineData("\"multipleBirthInteger\":\"2\"", "Patient.multipleBirthInteger")]
    [InlineData("\"birthDate\":19800101", "Patient.birthDate")]
    [InlineData("\"name\":[{\"family\":{\"text\":\"A\"}}]", "Patient.name[0].family")]
    [InlineData("\"maritalStatus\":\"M\"", "Patient.maritalStatus")]
    [InlineData("\"name\":[\"Anna\"]", "Patient.name[0]")]
    public void Validate_WrongJsonType_ReportsStructure(string property, string expression) =>
        V.Single(V.Validate($$"""{"resourceType":"Patient",{{property}}}"""), expression, IssueType.Structure);

    [Fact]
    public void Validate_DecimalAsString_ReportsStructure() =>
        V.Single(V.Validate("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":"5.0"}}"""),
            "Observation.valueQuantity.value", IssueType.Structure);

    [Fact]
    public void Validate_DecimalPrecision_IsAccepted() =>
        V.Valid(V.Validate("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":5.000,"unit":"mmol/L"}}"""));

    [Theory]
    [InlineData("1.5", "must be a whole number")]
    [InlineData("1e3", "must be a whole number")]
    [InlineData("2147483648", "out of range")]
    public void Validate_BadInteger_ReportsValue(string number, string message)
    {
        var issue = V.Single(V.Validate($$"""{"resourceType":"Patient","multipleBirthInteger":{{number}}}"""), "Patient.multipleBirthInteger", IssueType.Value);
        Assert.Contains(message, issue.Diagnostics);
    }

    [Fact]
    public void Validate_PositiveIntZero_ReportsValue() =>
        V.Single(V.Validate("""{"resourceType":"Appointment","status":"booked","participant":[{"status":"accepted","actor":{"display":"x"}}],"minutesDuration":0}"""),
            "Appointment.minutesDuration", IssueType.Value);

    [Fact]
    public void Validate_UnsignedIntNegative_ReportsValue() =>
        V.Single(V.Validate("""{"resourceType":"Appointment","status":"booked","participant":[{"status":"accepted","actor":{"display":"x"}}],"priority":-1}"""),
            "Appointment.priority", IssueType.Value);

    [Theory]
    [InlineData("1980")]
    [InlineData("1980-02")]
    [InlineData("2024-02-29")]
    public void Validate_PartialAndLeapDates_AreValid(string date) =>
        V.Valid(V.Validate($$"""{"resourceType":"Patient","birthDate":"{{date}}"}"""));

    [Theory]
    [InlineData("birthDate", "1980-13-01")]
    [InlineData("birthDate", "1980-1-1")]
    [InlineData("birthDate", "2023-02-29")]
    [InlineData("birthDate", "1980-01-01T10:00:00Z")]
    [InlineData("deceasedDateTime", "2020-01-01T10:00:00")]
    [InlineData("deceasedDateTime", "2020-01-01T25:00:00Z")]
    [InlineData("deceasedDateTime", "2020-04-31")]
    public void Validate_BadDate_ReportsValueWithSpecRegex(string element, string value)
    {
        var issue = V.Single(V.Validate($$"""{"resourceType":"Patient","{{element}}":"{{value}}"}"""), "Patient." + element, IssueType.Value);
        Assert.Contains($"'{value}' is not a valid", issue.Diagnostics);
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","gender":"male "}""", "Patient.gender", "code")]
    [InlineData("""{"resourceType":"Patient","language":"nl  NL"}""", "Patient.language", "code")]
    [InlineData("""{"resourceType":"Patient","name":[{"family":"Jansen\u0001"}]}""", "Patient.name[0].family", "string")]
    [InlineData("""{"resourceType":"Patient","implicitRules":"has space"}""", "Patient.implicitRules", "uri")]
    [InlineData("""{"resourceType":"Patient","meta":{"versionId":"1 2"}}""", "Patient.meta.versionId", "id")]
    [InlineData("""{"resourceType":"Patient","meta":{"lastUpdated":"2024-01-01"}}""", "Patient.meta.lastUpdated", "instant")]
    [InlineData("""{"resourceType":"Patient","photo":[{"data":"not base64!"}]}""", "Patient.photo[0].data", "base64Binary")]
    public void Validate_PrimitiveRegexViolation_ReportsValue(string json, string expression, string type)
    {
        var issue = Assert.Single(V.Validate(json).Issues, i => i.Code == IssueType.Value);
        Assert.Equal(expression, issue.Expression);
        Assert.Contains($"is not a valid {type}", issue.Diagnostics);
    }

    [Theory]
    [InlineData("QUJD", true)]
    [InlineData("QUJD\nREVG\r\n R0hJ", true)]
    [InlineData("QUI=", true)]
    [InlineData("QU JD", false)]
    [InlineData("QUJ", false)]
    [InlineData("QUJD!", false)]
    public void Validate_Base64Binary_FollowsSpecRegex(string data, bool valid)
    {
        var result = V.Validate($$"""{"resourceType":"Binary","contentType":"text/plain","data":"{{data.Replace("\n", "\\n").Replace("\r", "\\r")}}"}""");
        Assert.Equal(valid, result.IsValid);
        if (!valid) V.Single(result, "Binary.data", IssueType.Value);
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","name":[{"family":"van\u00A0Dijk","text":"regel 1\nregel 2\tinspringing"}]}""")]
    [InlineData("""{"resourceType":"Patient","language":"nl\u00A0NL"}""")]
    [InlineData("""{"resourceType":"Patient","language":"nl\tNL"}""")]
    public void Validate_SpecRegexWhitespace_HasXmlSchemaMeaning(string json) =>
        V.Valid(V.Validate(json));

    [Fact]
    public void Validate_MissingRequiredElements_ReportsEachWithLocation()
    {
        var result = V.Validate("""{"resourceType":"Observation"}""");
        Assert.Equal(["Observation.status", "Observation.code"], result.Issues.Select(i => i.Expression));
        Assert.All(result.Issues, i => Assert.Equal(IssueType.Required, i.Code));
    }

    [Fact]
    public void Validate_MissingRequiredInBackboneElement_ReportsNestedLocation()
    {
        var result = V.Validate("""{"resourceType":"Patient","link":[{"type":"seealso"},{"other":{"reference":"Patient/2"},"type":"refer"}],"communication":[{"preferred":true}]}""");
        Assert.Equal(["Patient.link[0].other", "Patient.communication[0].language"], result.Issues.Select(i => i.Expression));
    }

    [Fact]
    public void Validate_MissingRequiredChoice_ReportsChoiceName()
    {
        var issue = V.Single(V.Validate("""{"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/1"}}"""),
            "MedicationRequest.medication", IssueType.Required);
        Assert.Contains("'medication[x]'", issue.Diagnostics);
    }

    [Fact]
    public void Validate_ChoiceTypeWithAllowedSuffix_IsValid() =>
        V.Valid(V.Validate("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueCodeableConcept":{"text":"positive"},"effectivePeriod":{"start":"2024-01-01"}}"""));

    [Fact]
    public void Validate_ChoiceTypeWithWrongSuffix_ReportsUnknownElementAndAllowedTypes()
    {
        var issue = V.Single(V.Validate("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueUri":"http://x"}"""),
            "Observation.valueUri", IssueType.Structure);
        Assert.Contains("value[x]", issue.Diagnostics);
        Assert.Contains("Quantity", issue.Diagnostics);
    }

    [Fact]
    public void Validate_ChoiceWithoutSuffix_ReportsUnknownElement() =>
        V.Single(V.Validate("""{"resourceType":"Patient","deceased":true}"""), "Patient.deceased", IssueType.Structure);

    [Fact]
    public void Validate_TwoChoiceTypes_ReportsOnlyOneAllowed()
    {
        var issue = V.Single(V.Validate("""{"resourceType":"Patient","deceasedBoolean":true,"deceasedDateTime":"2020"}"""), "Patient.deceasedDateTime", IssueType.Structure);
        Assert.Contains("deceased[x]", issue.Diagnostics);
    }

    [Fact]
    public void Validate_PrimitiveExtension_IsValid() =>
        V.Valid(V.Validate("""
            {"resourceType":"Patient","birthDate":"1980-01-01",
             "_birthDate":{"id":"bd","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"1980-01-01T10:00:00+01:00"}]},
             "_gender":{"extension":[{"url":"http://example.org/no-gender-value","valueString":"x"}]},
             "name":[{"given":["Anna",null,"Els"],"_given":[null,{"extension":[{"url":"http://example.org/initial","valueString":"M"}]},{"id":"g3"}]}]}
            """));

    [Fact]
    public void Validate_PrimitiveExtensionUnknownProperty_ReportsLocation() =>
        V.Single(V.Validate("""{"resourceType":"Patient","birthDate":"1980","_birthDate":{"value":"1980"}}"""), "Patient.birthDate.value", IssueType.Structure);

    [Fact]
    public void Validate_PrimitiveExtensionBadExtension_ReportsNestedLocation() =>
        V.Single(V.Validate("""{"resourceType":"Patient","_birthDate":{"extension":[{"valueString":"x"}]}}"""), "Patient.birthDate.extension[0].url", IssueType.Required);

    [Fact]
    public void Validate_UnderscoreOnComplexElement_ReportsUnknown() =>
        V.Single(V.Validate("""{"resourceType":"Patient","_name":[{"id":"x"}]}"""), "Patient._name", IssueType.Structure);

    [Fact]
    public void Validate_PrimitiveExtensionArrayLengthMismatch_ReportsStructure() =>
        V.Single(V.Validate("""{"resourceType":"Patient","name":[{"given":["A","B"],"_given":[null]}]}"""), "Patient.name[0].given", IssueType.Structure);

    [Fact]
    public void Validate_PrimitiveExtensionBothNull_ReportsItem() =>
        V.Single(V.Validate("""{"resourceType":"Patient","name":[{"given":["A",null],"_given":[null,null]}]}"""), "Patient.name[0].given[1]", IssueType.Structure);

    [Fact]
    public void Validate_PrimitiveExtensionNotArrayForArrayElement_ReportsStructure() =>
        V.Single(V.Validate("""{"resourceType":"Patient","name":[{"given":["A"],"_given":{"id":"x"}}]}"""), "Patient.name[0].given", IssueType.Structure);

    [Fact]
    public void Validate_ContainedResource_IsValidatedRecursively()
    {
        var result = V.Validate("""
            {"resourceType":"Patient","contained":[{"resourceType":"Practitioner","id":"gp","name":[{"family":"X"}]},
              {"resourceType":"Organization","id":"org","active":"yes"}],
             "generalPractitioner":[{"reference":"#gp"}]}
            """);
        var issue = Assert.Single(result.Issues);
        Assert.Equal("Patient.contained[1].active", issue.Expression);
    }

    [Fact]
    public void Validate_ContainedWithoutResourceType_ReportsLocation() =>
        V.Single(V.Validate("""{"resourceType":"Patient","contained":[{"id":"x"}]}"""), "Patient.contained[0]", IssueType.Required);

    [Fact]
    public void Validate_NestedContained_ReportsInvariant() =>
        V.Single(V.Validate("""{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o","contained":[{"resourceType":"Organization","id":"p"}]}]}"""),
            "Patient.contained[0].contained", IssueType.Invariant);

    [Fact]
    public void Validate_ContainedWithVersionMeta_WarnsButIsValid()
    {
        var result = V.Validate("""{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o","meta":{"versionId":"1","lastUpdated":"2024-01-01T00:00:00Z"}}]}""");
        Assert.True(result.IsValid);
        Assert.Equal(["Patient.contained[0].meta.versionId", "Patient.contained[0].meta.lastUpdated"], result.Issues.Select(i => i.Expression));
        Assert.All(result.Issues, i => Assert.Equal(IssueSeverity.Warning, i.Severity));
    }

    [Fact]
    public void Validate_BundleEntryResource_IsValidatedAsResource()
    {
        var result = V.Validate("""
            {"resourceType":"Bundle","type":"collection","entry":[
              {"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0","resource":{"resourceType":"Patient","gender":"M"}},
              {"resource":{"resourceType":"Unknown"}},
              {"resource":{"gender":"male"}}]}
            """);
        Assert.Equal(["Bundle.entry[0].resource.gender", "Bundle.entry[1].resource", "Bundle.entry[2].resource"], result.Issues.Select(i => i.Expression));
        Assert.Equal([IssueType.CodeInvalid, IssueType.Invalid, IssueType.Required], result.Issues.Select(i => i.Code));
    }

    [Theory]
    [InlineData("Practitioner/123")]
    [InlineData("Practitioner/123/_history/2")]
    [InlineData("PractitionerRole/a.b-c")]
    [InlineData("http://example.org/fhir/Practitioner/123")]
    [InlineData("https://example.org/fhir/Organization/1/_history/1")]
    [InlineData("http://example.org/not-a-rest-url")]
    [InlineData("#gp")]
    [InlineData("urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0")]
    [InlineData("urn:oid:2.16.840.1.113883.2.4.6.3")]
    public void Validate_ReferenceFormats_AreAccepted(string reference) =>
        V.Valid(V.Validate($$"""{"resourceType":"Patient","generalPractitioner":[{"reference":"{{reference}}"}]}"""));

    [Theory]
    [InlineData("Foo/123", "unknown resource type 'Foo'")]
    [InlineData("practitioner/123", "is not a valid reference")]
    [InlineData("Practitioner/", "is not a valid reference")]
    [InlineData("Practitioner/12 3", "is not a valid reference")]
    [InlineData("Practitioner/123/_history", "is not a valid reference")]
    [InlineData("urn:uuid:not-a-uuid", "not a valid urn:uuid")]
    [InlineData("urn:oid:abc", "not a valid urn:oid")]
    [InlineData("Patient/123", "Reference to Patient is not allowed here")]
    [InlineData("http://example.org/fhir/Patient/1", "Reference to Patient is not allowed here")]
    public void Validate_BadReference_ReportsValue(string reference, string message)
    {
        var issue = V.Single(V.Validate($$"""{"resourceType":"Patient","generalPractitioner":[{"reference":"{{reference}}"}]}"""),
            "Patient.generalPractitioner[0].reference", IssueType.Value);
        Assert.Contains(message, issue.Diagnostics);
    }

    [Fact]
    public void Validate_ConditionalReferenceInTransaction_IsAccepted() =>
        V.Valid(V.Validate("""
            {"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
              "subject":{"reference":"Patient?identifier=http://fhir.nl/fhir/NamingSystem/bsn|111222333"}},"request":{"method":"POST","url":"Observation"}}]}
            """));

    [Fact]
    public void Validate_ConditionalReferenceOutsideBundle_ReportsValue() =>
        V.Single(V.Validate("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient?identifier=123"}}"""),
            "Observation.subject.reference", IssueType.Value);

    [Fact]
    public void Validate_ManyThreadsOnFreshDefinitions_GiveTheSameResults()
    {
        var files = Directory.GetFiles(SharedTestData.Examples, "*.json");
        var documents = files.Select(f => JsonDocument.Parse(File.ReadAllText(f))).ToArray();
        var fresh = new ResourceValidator(FhirDefinitions.Load(FhirDefinitions.Default.Directory));
        var parallel = new string[documents.Length];
        Parallel.For(0, documents.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => parallel[i % documents.Length] = fresh.Validate(documents[i % documents.Length].RootElement).ToString());
        for (var i = 0; i < documents.Length; i++)
        {
            Assert.Equal(V.Validator.Validate(documents[i].RootElement).ToString(), parallel[i]);
        }
        foreach (var document in documents) document.Dispose();
    }

    [Fact]
    public void Validate_DataTypeProfileOnElement_IsApplied()
    {
        const string json = """
            {"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/1"},
             "medicationCodeableConcept":{"text":"paracetamol"},"dispenseRequest":{"quantity":{"value":20COMPARATOR}}}
            """;
        V.Valid(V.Validate(json.Replace("COMPARATOR", "")));
        // dispenseRequest.quantity is a SimpleQuantity: no comparator.
        V.Single(V.Validate(json.Replace("COMPARATOR", ",\"comparator\":\"<\"")), "MedicationRequest.dispenseRequest.quantity.comparator", IssueType.Structure);
    }

    [Fact]
    public void Validate_ReferenceToAnyResource_AcceptsAnyType() =>
        V.Valid(V.Validate("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"focus":[{"reference":"Slot/1"}]}"""));

    [Fact]
    public void Validate_RequiredCodeBinding_ReportsCodeInvalid()
    {
        var issue = V.Single(V.Validate("""{"resourceType":"Patient","gender":"F"}"""), "Patient.gender", IssueType.CodeInvalid);
        Assert.Contains("administrative-gender", issue.Diagnostics);
    }

    [Fact]
    public void Validate_RequiredCodeBindingInDataType_ReportsCodeInvalid() =>
        V.Single(V.Validate("""{"resourceType":"Patient","telecom":[{"system":"fax","value":"1"},{"system":"mobile","value":"2"}]}"""),
            "Patient.telecom[1].system", IssueType.CodeInvalid);

    [Fact]
    public void Validate_RequiredCodeableConceptBinding_NeedsOneCodingInValueSet()
    {
        const string template = """{"resourceType":"Condition","subject":{"reference":"Patient/1"},"clinicalStatus":{"coding":[CODINGS]}}""";
        V.Valid(V.Validate(template.Replace("CODINGS",
            """{"system":"http://example.org/local","code":"act"},{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}""")));
        var issue = V.Single(V.Validate(template.Replace("CODINGS",
            """{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"actief"}""")), "Condition.clinicalStatus", IssueType.CodeInvalid);
        Assert.Contains("condition-clinical|actief", issue.Diagnostics);
    }

    [Fact]
    public void Validate_RequiredBindingNotExpandableHere_IsNotGuessed() =>
        V.Valid(V.Validate("""{"resourceType":"Patient","photo":[{"contentType":"image/x-made-up"}]}"""));

    [Theory]
    [InlineData("a_b")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345")]
    [InlineData("ä")]
    public void Validate_BadResourceId_ReportsValue(string id) =>
        V.Single(V.Validate($$"""{"resourceType":"Patient","id":"{{id}}"}"""), "Patient.id", IssueType.Value);

    [Fact]
    public void Validate_ExtensionWithoutUrl_ReportsRequired() =>
        V.Single(V.Validate("""{"resourceType":"Patient","extension":[{"valueString":"x"}]}"""), "Patient.extension[0].url", IssueType.Required);

    [Fact]
    public void Validate_ExtensionWithValueAndNestedExtensions_ReportsInvariant() =>
        V.Single(V.Validate("""{"resourceType":"Patient","modifierExtension":[{"url":"http://x","valueString":"x","extension":[{"url":"y","valueInteger":1}]}]}"""),
            "Patient.modifierExtension[0]", IssueType.Invariant);

    [Fact]
    public void Validate_ExtensionValueTypes_FollowExtensionDefinition() =>
        V.Single(V.Validate("""{"resourceType":"Patient","extension":[{"url":"http://x","valueFoo":"x"}]}"""), "Patient.extension[0].valueFoo", IssueType.Structure);

    [Theory]
    [InlineData("Patient")]
    [InlineData("Practitioner")]
    [InlineData("RelatedPerson")]
    public void Validate_InvalidBsn_ReportsValue(string type)
    {
        var patientRef = type == "RelatedPerson" ? ",\"patient\":{\"reference\":\"Patient/1\"}" : "";
        var json = $$"""{"resourceType":"{{type}}"{{patientRef}},"identifier":[{"system":"http://fhir.nl/fhir/NamingSystem/bsn","value":"BSN"}]}""";
        V.Valid(V.Validate(json.Replace("BSN", "123456782")));
        var issue = V.Single(V.Validate(json.Replace("BSN", "123456789")), type + ".identifier[0].value", IssueType.Value);
        Assert.Contains("11-proef", issue.Diagnostics);
    }

    [Fact]
    public void Validate_UnknownProfile_WarnsNotSupported()
    {
        var result = V.Validate("""{"resourceType":"Patient","meta":{"profile":["http://example.org/StructureDefinition/unknown"]}}""");
        Assert.True(result.IsValid);
        V.Single(result, "Patient.meta.profile[0]", IssueType.NotSupported, IssueSeverity.Warning);
    }

    [Fact]
    public void Validate_ProfileOfOtherType_ReportsInvalid() =>
        V.Single(V.Validate("""{"resourceType":"Patient","meta":{"profile":["http://hl7.org/fhir/StructureDefinition/Observation"]}}"""),
            "Patient.meta.profile[0]", IssueType.Invalid);

    [Fact]
    public void Validate_ContentReference_ValidatesNestedItems()
    {
        var result = V.Validate("""
            {"resourceType":"Questionnaire","status":"active","item":[{"linkId":"1","type":"group",
              "item":[{"linkId":"1.1","type":"string"},{"type":"string","colour":"red"}]}]}
            """);
        Assert.Equal(["Questionnaire.item[0].item[1].colour", "Questionnaire.item[0].item[1].linkId"], result.Issues.Select(i => i.Expression));
    }

    [Fact]
    public void Validate_ConstraintEvaluator_ReportsFailedInvariant()
    {
        var validator = new ResourceValidator(FhirDefinitions.Default, new FailingEvaluator("pat-1"));
        var result = V.Validate("""{"resourceType":"Patient","contact":[{"gender":"male"}]}""", validator: validator);
        var issue = V.Single(result, "Patient.contact[0]", IssueType.Invariant);
        Assert.StartsWith("Constraint pat-1 failed", issue.Diagnostics);
    }

    [Fact]
    public void Validate_WithoutConstraintEvaluator_SkipsInvariants() =>
        V.Valid(V.Validate("""{"resourceType":"Patient","contact":[{"gender":"male"}]}"""));

    private sealed class FailingEvaluator(string key) : IConstraintEvaluator
    {
        public bool? Evaluate(ElementConstraint constraint, JsonElement focus, JsonElement resource) => constraint.Key == key ? false : null;
    }
}
