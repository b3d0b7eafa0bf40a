namespace Fhir.Server.Tests.Search;

public class SearchSmokeTests(SearchFixture f) : IClassFixture<SearchFixture>
{
    [Fact]
    public async Task Identifier_SystemAndValue_FindsThePatient()
    {
        Assert.Equal(["p1"], await f.Ids($"/fhir/Patient?identifier={SearchFixture.Bsn}|111222333"));
    }
}
