using System.Net;
using Identity.Accounts;

namespace Identity.Tests;

public class PasswordRulesTests
{
    [Theory]
    [InlineData("Kort12", IdentityMessages.PasswordTooShort)]
    [InlineData("alleenkleine12", IdentityMessages.PasswordNoUpper)]
    [InlineData("ALLEENGROTE12", IdentityMessages.PasswordNoLower)]
    [InlineData("Eencijferxx1", IdentityMessages.PasswordTwoDigits)]
    public void WeakPassword_IsRejectedWithTheDutchRule(string password, string message) =>
        Assert.Contains(message, PasswordRules.Check(password));

    [Fact]
    public void PasswordMeetingAllRules_IsAccepted() => Assert.Empty(PasswordRules.Check("Zomer2026ab"));

    [Fact]
    public void WrongCodeMessage_CountsDownInDutch()
    {
        Assert.Equal("De sms-code is onjuist. U heeft nog 3 pogingen.", IdentityMessages.WrongCode(3));
        Assert.Equal("De sms-code is onjuist. U heeft nog 1 poging.", IdentityMessages.WrongCode(1));
    }
}

public class AccountFlowTests(IdentityFactory factory) : IClassFixture<IdentityFactory>
{
    [Fact]
    public async Task Activation_EmailLinkThenSmsCodeThenPassword_ActivatesAndAllowsLogin()
    {
        var accounts = factory.Get<AccountService>();
        await accounts.RegisterPatientAsync("patient-sophie-de-jong", "131860914", "sophie.dejong@example.nl", "06-20000001");
        using var client = factory.Anonymous();

        var link = new Uri(factory.LatestEmailLink("sophie.dejong@example.nl"));
        var codePage = await client.GetStringAsync(link.PathAndQuery);
        Assert.Contains("We hebben een sms met een code van 6 cijfers", codePage);
        var challenge = OAuthFlow.Hidden(codePage, "challenge");

        var passwordPage = await (await client.PostAsync("/account/activeren/code",
            OAuthFlow.Form(("challenge", challenge), ("code", factory.LatestSmsCode("06-20000001"))))).Content.ReadAsStringAsync();
        Assert.Contains("Kies een wachtwoord", passwordPage);

        var weak = await client.PostAsync("/account/activeren/wachtwoord", OAuthFlow.Form(("challenge", challenge), ("password", "zwak"), ("confirm", "zwak")));
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        var weakHtml = await weak.Content.ReadAsStringAsync();
        Assert.Contains("minimaal 10 tekens", weakHtml);
        Assert.Contains("minstens 2 cijfers", weakHtml);

        var done = await client.PostAsync("/account/activeren/wachtwoord", OAuthFlow.Form(("challenge", challenge), ("password", "Zonnebloem42"), ("confirm", "Zonnebloem42")));
        Assert.Contains(IdentityMessages.Activated, await done.Content.ReadAsStringAsync());

        var login = await accounts.PasswordStepAsync("sophie.dejong@example.nl", "Zonnebloem42");
        Assert.True(login.Ok, login.Error);
    }

    [Fact]
    public async Task Login_WrongPassword_SaysSoInDutch_AndUnknownAddressLooksTheSame()
    {
        var accounts = factory.Get<AccountService>();
        Assert.Equal(IdentityMessages.WrongCredentials, (await accounts.PasswordStepAsync("willem.bos@example.nl", "Verkeerd1234")).Error);
        Assert.Equal(IdentityMessages.WrongCredentials, (await accounts.PasswordStepAsync("niemand@example.nl", "Verkeerd1234")).Error);
    }

    [Fact]
    public async Task BruteForcingTheSmsCode_LocksTheAccount()
    {
        var accounts = factory.Get<AccountService>();
        var step = await accounts.PasswordStepAsync("fatima.elamrani@example.nl", IdentityFactory.Password);
        Assert.True(step.Ok, step.Error);
        var real = factory.LatestSmsCode("06-10000004");
        var wrong = real == "000000" ? "111111" : "000000";
        for (var i = 1; i <= 4; i++)
            Assert.Equal(IdentityMessages.WrongCode(5 - i), accounts.VerifyCode(step.ChallengeId, wrong).Error);
        Assert.Equal(IdentityMessages.LockedOut, accounts.VerifyCode(step.ChallengeId, wrong).Error);
        Assert.Equal(IdentityMessages.LockedOut, accounts.VerifyCode(step.ChallengeId, real).Error);
        Assert.Equal(IdentityMessages.LockedOut, (await accounts.PasswordStepAsync("fatima.elamrani@example.nl", IdentityFactory.Password)).Error);
    }

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_EvenForTheRightPasswordAfterwards()
    {
        var accounts = factory.Get<AccountService>();
        for (var i = 1; i < AccountService.MaxPasswordFailures; i++)
            Assert.Equal(IdentityMessages.WrongCredentials, (await accounts.PasswordStepAsync("pieter.vandenberg@example.nl", $"Verkeerd{i}0000")).Error);
        Assert.Equal(IdentityMessages.LockedOut, (await accounts.PasswordStepAsync("pieter.vandenberg@example.nl", "Verkeerd50000")).Error);
        Assert.Equal(IdentityMessages.LockedOut, (await accounts.PasswordStepAsync("pieter.vandenberg@example.nl", IdentityFactory.Password)).Error);
    }

    [Fact]
    public async Task GuessingSmsCodes_SpreadOverFreshCodes_StillLocksTheAccount()
    {
        var accounts = factory.Get<AccountService>();
        var first = await accounts.PasswordStepAsync("emma.dejong@example.nl", IdentityFactory.Password);
        var wrong = factory.LatestSmsCode("06-10000001") == "000000" ? "111111" : "000000";
        for (var i = 1; i <= 3; i++)
            Assert.Equal(IdentityMessages.WrongCode(5 - i), accounts.VerifyCode(first.ChallengeId, wrong).Error);

        var second = await accounts.PasswordStepAsync("emma.dejong@example.nl", IdentityFactory.Password);
        Assert.True(second.Ok, second.Error);
        wrong = factory.LatestSmsCode("06-10000001") == "000000" ? "111111" : "000000";
        Assert.Equal(IdentityMessages.WrongCode(1), accounts.VerifyCode(second.ChallengeId, wrong).Error);
        Assert.Equal(IdentityMessages.LockedOut, accounts.VerifyCode(second.ChallengeId, wrong).Error);
        Assert.Equal(IdentityMessages.LockedOut, (await accounts.PasswordStepAsync("emma.dejong@example.nl", IdentityFactory.Password)).Error);
    }

    [Fact]
    public async Task PasswordReset_SameAnswerForUnknownAddress_AndLinkLeadsToNewPassword()
    {
        var accounts = factory.Get<AccountService>();
        Assert.Equal(IdentityMessages.ResetSent, await accounts.RequestPasswordResetAsync("onbekend@example.nl"));
        Assert.Equal(IdentityMessages.ResetSent, await accounts.RequestPasswordResetAsync("daan.dejong@example.nl"));
        var token = new Uri(factory.LatestEmailLink("daan.dejong@example.nl")).Query.Split("t=")[1];
        var opened = await accounts.OpenLinkAsync(token);
        Assert.True(opened.Ok, opened.Error);
        Assert.True(accounts.VerifyCode(opened.ChallengeId, factory.LatestSmsCode("06-10000002")).Ok);
        Assert.True(accounts.SetPassword(opened.ChallengeId, "Nieuwwachtwoord77", "Nieuwwachtwoord77").Ok);
        Assert.Equal(IdentityMessages.WrongCredentials, (await accounts.PasswordStepAsync("daan.dejong@example.nl", IdentityFactory.Password)).Error);
        Assert.True((await accounts.PasswordStepAsync("daan.dejong@example.nl", "Nieuwwachtwoord77")).Ok);
        Assert.Equal(IdentityMessages.LinkInvalid, (await accounts.OpenLinkAsync("bestaat-niet")).Error);
    }
}
