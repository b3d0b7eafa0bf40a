using Graph.Api.Appointments;
using Graph.Api.Appointments.Storage;
using Graph.Api.Messaging;
using Fhir.Server.Features.Security;
using Fhir.Server.Store;
using Graph.Api.Messaging.Storage;
using Graph.Engine.Http;
using Identity.Access;
using Microsoft.AspNetCore.Builder;
using Jobs;
using Jobs.Notifications;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Graph.Api;

public static class Extensions
{
    /// <summary>The schema scripts of modules "portal", "appointments" and "notes", for the store initializer.</summary>
    public static IReadOnlyList<SchemaMigrator.Script> Migrations => [.. PortalDb.Migrations, .. AppointmentDb.Migrations, .. Notes.Storage.NotesDb.Migrations];

    /// <summary>The portal API: messaging services, the portal tables and the GraphQL schema on our engine.</summary>
    public static IServiceCollection AddGraphApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNotificationOutbox(configuration);
        services.AddSingleton<MessageNotifications>();
        services.AddSingleton<IResourceIndexer>(sp => sp.GetRequiredService<MessageNotifications>());
        services.AddSingleton<PortalDb>();
        services.AddSingleton<PortalState>();
        services.AddSingleton<MessagingService>();
        services.AddSingleton<EConsultSla>();
        services.AddSingleton<SystemMessages>();
        services.AddSingleton<FailedNotifications>();
        services.AddSingleton<INotificationFailureListener, UndeliveredNotificationMessages>();
        services.AddHttpContextAccessor();
        services.AddSingleton<AppointmentDb>();
        services.AddSingleton<AppointmentNotifications>();
        services.AddSingleton<IResourceIndexer, AppointmentIndexer>();
        // The booking rules hold inside the write transaction, so a patient's app may book and cancel over FHIR REST too.
        services.AddSingleton(new PatientWritableType("Appointment"));
        services.AddSingleton<AppointmentService>();
        services.AddSingleton<SlotGenerator>();
        services.AddSingleton<AppointmentReminders>();
        services.AddSingleton<Record.RepeatOrderMessages>();
        services.AddSingleton<Record.RecordService>();
        // Note text is encrypted with the application's key ring; the host configures where it is kept (AddPortalKeyRing, PortalUi:KeysPath).
        services.AddDataProtection();
        services.AddSingleton<Notes.Storage.NotesDb>();
        services.AddSingleton<Notes.NoteProtector>();
        services.AddSingleton<Notes.NotesService>();
        services.AddGraphEngine(_ => PortalSchema.Build());
        return services;
    }

    /// <summary>
    /// The portal's scheduled jobs, only on instances whose role includes jobs, after AddPortalJobs: the
    /// e-consult deadline watch, appointment reminders every 5 minutes, slots up to the horizon nightly, and every
    /// minute the system messages of repeat orders a HIS handled over FHIR REST.
    /// </summary>
    public static IServiceCollection AddGraphApiJobs(this IServiceCollection services) =>
        services.AddPortalJob<EConsultSlaJob>(EConsultSlaJob.Interval)
            .AddPortalJob<AppointmentReminderJob>(TimeSpan.FromMinutes(5))
            .AddPortalJob<SlotGenerationJob>("0 30 2 * * ?")
            .AddPortalJob<Record.RepeatOrderMessagesJob>(Record.RepeatOrderMessagesJob.Interval);

    /// <summary>
    /// POST/GET /graphql with the caller's bearer token read by the identity module's middleware, as on /fhir.
    /// Bodies may carry attachments (base64), hence the larger limit.
    /// </summary>
    public static WebApplication MapGraphApi(this WebApplication app, string pattern = "/graphql")
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(pattern), branch => branch.UseMiddleware<BearerTokenMiddleware>());
        app.MapGraphQL(pattern, o => o.MaxRequestBodyBytes = 4 * (Attachments.MaxBytes * Attachments.MaxPerMessage / 3 + 1024));
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/portal/afspraken"), branch => branch.UseMiddleware<BearerTokenMiddleware>());
        app.MapGet(AppointmentSchema.CalendarPath, CalendarEndpoint.GetAsync);
        return app;
    }
}
