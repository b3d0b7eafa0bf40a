using System.Globalization;
using Graph.Engine.Execution;
using Graph.Engine.Types;
using Identity.Accounts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Graph.Api.StaffAccounts;

/// <summary>An account request with the caller's match, computed for the whole list at once.</summary>
public sealed record AccountRequestView(SignupRequest Request, PatientMatch? Match);

/// <summary>
/// Binds StaffAccounts/staff.graphql to <see cref="StaffAdministration"/> and <see cref="SignupRequests"/>.
/// Who may do what is decided there (practice manager; assistant or practice manager; anyone for
/// requestAccount); their Dutch errors become GraphQL errors with the same extensions.code and field.
/// </summary>
public static class StaffSchema
{
    /// <summary>Set by a caller that runs the executor in process (the Blazor UI), so sign-up limits count per visitor.</summary>
    public const string ClientAddressItem = "clientAddress";

    public static SchemaBuilder Bind(SchemaBuilder builder) => builder
        .Bind("Query", "staffMembers", ctx => Guard(() => Staff(ctx).List(ctx.User)))
        .Bind("Query", "staffMember", ctx => Guard(() =>
        {
            try
            {
                return Staff(ctx).Get(ctx.User, ctx.Argument<string>("id"));
            }
            catch (AccountRequestException e) when (e.Code == AccountRequestException.NotFoundCode)
            {
                return null;
            }
        }))
        .Bind("Query", "accountRequests", ctx => GuardAsync(async () =>
        {
            var service = Signups(ctx);
            var pending = service.Pending(ctx.User);
            var matches = await service.MatchAsync(ctx.User, pending, ctx.CancellationToken);
            return pending.Select(r => new AccountRequestView(r, matches.GetValueOrDefault(r.Id))).ToList();
        }))
        .Bind("Mutation", "createStaffMember", ctx => GuardAsync(() =>
        {
            var input = PortalSchema.Input(ctx, "input");
            return Staff(ctx).CreateAsync(ctx.User, new NewStaffMember(PortalSchema.Text(input, "givenName"), PortalSchema.Text(input, "familyName"), PortalSchema.Text(input, "email"),
                PortalSchema.Text(input, "mobile"), PortalSchema.Text(input, "role"), PortalSchema.Text(input, "employeeId")), ctx.CancellationToken);
        }))
        .Bind("Mutation", "changeStaffRole", ctx => GuardAsync(() =>
            Staff(ctx).ChangeRoleAsync(ctx.User, ctx.Argument<string>("id"), ctx.Argument<string>("role"), ctx.CancellationToken)))
        .Bind("Mutation", "setStaffMemberEnabled", ctx => GuardAsync(() =>
            Staff(ctx).SetEnabledAsync(ctx.User, ctx.Argument<string>("id"), ctx.Argument<bool>("enabled"), ctx.CancellationToken)))
        .Bind("Mutation", "resendStaffActivation", ctx => GuardAsync(() =>
            Staff(ctx).ResendActivationAsync(ctx.User, ctx.Argument<string>("id"), ctx.CancellationToken)))
        .Bind("Mutation", "requestAccount", ctx => GuardAsync(async () =>
        {
            var input = PortalSchema.Input(ctx, "input");
            var message = await Signups(ctx).SubmitAsync(new SignupInput(PortalSchema.Text(input, "givenName"), PortalSchema.Text(input, "familyName"), PortalSchema.Text(input, "birthDate"),
                PortalSchema.Text(input, "bsn"), PortalSchema.Text(input, "email"), PortalSchema.Text(input, "mobile"), PortalSchema.Text(input, "practice")), ClientAddress(ctx), ctx.CancellationToken);
            return new Dictionary<string, object?> { ["message"] = message };
        }))
        .Bind("Mutation", "approveAccountRequest", ctx => GuardAsync(async () =>
            await ViewAsync(ctx, await Signups(ctx).ApproveAsync(ctx.User, ctx.Argument<string>("id"), ctx.ArgumentOrDefault<string?>("patientId", null), ctx.CancellationToken))))
        .Bind("Mutation", "rejectAccountRequest", ctx => GuardAsync(async () =>
            await ViewAsync(ctx, await Signups(ctx).RejectAsync(ctx.User, ctx.Argument<string>("id"), ctx.ArgumentOrDefault<string?>("reason", null), ctx.CancellationToken))))
        // StaffMember
        .Bind<Account>("StaffMember", "id", (a, _) => a.Id)
        .Bind<Account>("StaffMember", "name", (a, _) => a.DisplayName)
        .Bind<Account>("StaffMember", "email", (a, _) => a.Email)
        .Bind<Account>("StaffMember", "mobile", (a, _) => a.Phone)
        .Bind<Account>("StaffMember", "role", (a, _) => a.StaffRole!.ToUpperInvariant())
        .Bind<Account>("StaffMember", "roleDisplay", (a, _) => StaffAdministration.RoleDisplay(a.StaffRole!))
        .Bind<Account>("StaffMember", "employeeId", (a, _) => a.EmployeeId)
        .Bind<Account>("StaffMember", "status", (a, _) => a.Status.ToUpperInvariant())
        .Bind<Account>("StaffMember", "lockedUntil", (a, ctx) => a.LockoutUntil is { } until && until > ctx.Service<TimeProvider>().GetUtcNow() ? PortalSchema.Utc(until) : null)
        .Bind<Account>("StaffMember", "practitioner", (a, _) => a.PractitionerId is { } p ? $"Practitioner/{p}" : null)
        .Bind<Account>("StaffMember", "practitionerRole", (a, _) => a.PractitionerRoleId is { } r ? $"PractitionerRole/{r}" : null)
        // AccountRequest
        .Bind<AccountRequestView>("AccountRequest", "id", (v, _) => v.Request.Id)
        .Bind<AccountRequestView>("AccountRequest", "givenName", (v, _) => v.Request.GivenName)
        .Bind<AccountRequestView>("AccountRequest", "familyName", (v, _) => v.Request.FamilyName)
        .Bind<AccountRequestView>("AccountRequest", "birthDate", (v, _) => v.Request.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
        .Bind<AccountRequestView>("AccountRequest", "bsn", (v, _) => v.Request.Bsn)
        .Bind<AccountRequestView>("AccountRequest", "email", (v, _) => v.Request.Email)
        .Bind<AccountRequestView>("AccountRequest", "mobile", (v, _) => v.Request.Mobile)
        .Bind<AccountRequestView>("AccountRequest", "receivedAt", (v, _) => PortalSchema.Utc(v.Request.ReceivedAt))
        .Bind<AccountRequestView>("AccountRequest", "status", (v, _) => v.Request.Status.ToString().ToUpperInvariant())
        .Bind<AccountRequestView>("AccountRequest", "match", (v, _) => v.Match);

    private static StaffAdministration Staff(ResolverContext ctx) => ctx.Service<StaffAdministration>();

    private static SignupRequests Signups(ResolverContext ctx) => ctx.Service<SignupRequests>();

    private static async Task<AccountRequestView> ViewAsync(ResolverContext ctx, SignupRequest request) =>
        new(request, request.Status == SignupStatus.Pending ? (await Signups(ctx).MatchAsync(ctx.User, [request], ctx.CancellationToken)).GetValueOrDefault(request.Id) : null);

    private static string? ClientAddress(ResolverContext ctx) =>
        ctx.Items.TryGetValue(ClientAddressItem, out var item) && item is string address ? address
        : ctx.Services?.GetService<IHttpContextAccessor>()?.HttpContext?.Connection.RemoteIpAddress?.ToString();

    private static object? Guard(Func<object?> work)
    {
        try
        {
            return work();
        }
        catch (AccountRequestException e)
        {
            throw Translate(e);
        }
    }

    private static async Task<object?> GuardAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (AccountRequestException e)
        {
            throw Translate(e);
        }
    }

    private static GraphQLException Translate(AccountRequestException e)
    {
        var error = new GraphQLException(e.Message, e.Code);
        if (e.Field is not null)
            error.Extensions["field"] = e.Field;
        return error;
    }
}
