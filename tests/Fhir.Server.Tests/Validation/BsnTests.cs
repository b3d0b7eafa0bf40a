using Fhir.Server.Validation;

namespace Fhir.Server.Tests.Validation;

public sealed class BsnTests
{
    [Theory]
    [InlineData("111222333")]
    [InlineData("123456782")]
    [InlineData("999999990")]
    public void IsValid_PassesElevenProof_ReturnsTrue(string bsn) => Assert.True(Bsn.IsValid(bsn));

    [Theory]
    [InlineData("123456789")]
    [InlineData("000000000")]
    [InlineData("12345678")]
    [InlineData("1234567820")]
    [InlineData("12345678a")]
    [InlineData(" 11222333")]
    [InlineData("")]
    [InlineData(null)]
    public void IsValid_FailsElevenProofOrFormat_ReturnsFalse(string? bsn) => Assert.False(Bsn.IsValid(bsn));

    [Fact]
    public void Generate_ProducesValidDistinctNumbers()
    {
        var random = new Random(2024);
        var generated = Enumerable.Range(0, 1000).Select(_ => Bsn.Generate(random)).ToList();
        Assert.All(generated, bsn => Assert.True(Bsn.IsValid(bsn), bsn));
        Assert.True(generated.Distinct().Count() > 990);
    }
}
