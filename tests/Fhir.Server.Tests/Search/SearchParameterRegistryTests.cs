using Fhir.Server.Search.Indexing;
using Fhir.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// Which parameters a resource has at most one value of, read from the R4 StructureDefinitions: a page walked in the
/// order of such a date skips the checks that a row is the resource's sort value (SearchExecutor).
/// </summary>
public class SearchParameterRegistryTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    [Theory]
    [InlineData("Communication", "sent", true)] // Communication.sent 0..1
    [InlineData("Appointment", "date", true)] // Appointment.start 0..1
    [InlineData("Slot", "start", true)]
    [InlineData("Observation", "date", true)] // one part of clinical-date's union: Observation.effective[x] 0..1
    [InlineData("Encounter", "date", true)] // Encounter.period: one Period is one row
    [InlineData("Patient", "birthdate", true)]
    [InlineData("Immunization", "reaction-date", false)] // Immunization.reaction 0..*
    [InlineData("CarePlan", "activity-date", false)] // CarePlan.activity 0..*
    [InlineData("Goal", "target-date", false)] // (Goal.target.due as date): not a plain path
    [InlineData("Patient", "family", false)] // Patient.name 0..*
    [InlineData("Patient", "no-such-parameter", false)]
    public void HasOneValue_FollowsTheCardinalityOfEveryElementOnThePath(string type, string code, bool expected) =>
        Assert.Equal(expected, factory.Services.GetRequiredService<SearchParameterRegistry>().HasOneValue(type, code));

    /// <summary>A stored SearchParameter replaces the official one; its rows may be another expression's until $reindex.</summary>
    [Fact]
    public async Task HasOneValue_IsFalseForACustomParameter_EvenOfOnePath()
    {
        using var own = new FhirServerFactory();
        var client = own.CreateClient();
        var registry = own.Services.GetRequiredService<SearchParameterRegistry>();
        Assert.True(registry.HasOneValue("Communication", "sent"));
        await client.PutOkAsync("SearchParameter", "communication-sent", """
            {"resourceType":"SearchParameter","id":"communication-sent","url":"http://example.org/fhir/SearchParameter/communication-sent",
             "name":"sent","status":"active","description":"Sent","code":"sent","base":["Communication"],"type":"date",
             "expression":"Communication.sent"}
            """);
        registry.Refresh();
        Assert.False(registry.HasOneValue("Communication", "sent"));
    }
}
