using Fhir.Server.Store;
using Identity.Messaging;
using Jobs.Notifications;
using Jobs.Scheduling;
using Jobs.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;

namespace Jobs;

public static class Extensions
{
    /// <summary>The schema scripts of this module (Quartz's tables and the outbox), for the store initializer.</summary>
    public static IReadOnlyList<SchemaMigrator.Script> Migrations => JobsDatabase.Migrations;

    /// <summary>The outbox only: enqueue notifications and list failed ones. Every instance needs this, whatever its role.</summary>
    public static IServiceCollection AddNotificationOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section)
            .Configure(o => o.OutboxPath ??= configuration["Identity:OutboxPath"] ?? "./data/outbox")
            .ValidateDataAnnotations()
            .Validate(o => o.RetryMaxSeconds >= o.RetryBaseSeconds, "Jobs:RetryMaxSeconds must not be less than Jobs:RetryBaseSeconds")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new JobsDatabase(PortalConnectionString(configuration)));
        services.TryAddSingleton<NotificationOutbox>();
        return services;
    }

    /// <summary>
    /// The Quartz scheduler on its persistent, clustered store in the portal database, and the
    /// notification dispatcher. Only for instances whose role includes jobs.
    /// </summary>
    public static IServiceCollection AddPortalJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNotificationOutbox(configuration);
        services.TryAddSingleton<INotificationTransport>(sp =>
            sp.GetService<IEmailSender>() is { } email && sp.GetService<ISmsSender>() is { } sms
                ? new SenderNotificationTransport(email, sms)
                : new FileNotificationTransport(sp.GetRequiredService<IOptions<JobsOptions>>().Value.OutboxPath!));
        services.TryAddSingleton<NotificationDispatcher>();

        var jobs = new JobsOptions();
        configuration.GetSection(JobsOptions.Section).Bind(jobs);
        var instance = string.IsNullOrWhiteSpace(jobs.InstanceId) ? Environment.MachineName : jobs.InstanceId.Trim();
        var connectionString = new JobsDatabase(PortalConnectionString(configuration)).ConnectionString;
        services.AddQuartz(q =>
        {
            // Quartz refuses clustering on SQLite ("SQLite cannot be used as clustered mode due to
            // locking problems"): it locks in process there. So on the embedded database every
            // instance keeps its own schedule in the shared tables, under its own scheduler name,
            // and jobs must be safe to run on several instances at once, which the outbox's leases
            // and dedupe keys make them.
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = SchedulerName(instance);
                s.InstanceId = instance;
            });
            q.UsePersistentStore(store =>
            {
                store.UseSqlite(connectionString);
                store.UseSystemTextJsonSerializer();
            });
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddPortalJob<NotificationDispatchJob>(TimeSpan.FromSeconds(Math.Max(1, jobs.DispatchIntervalSeconds)));
        return services;
    }

    /// <summary>Runs <typeparamref name="TJob"/> every <paramref name="interval"/>, once across the cluster.</summary>
    public static IServiceCollection AddPortalJob<TJob>(this IServiceCollection services, TimeSpan interval) where TJob : class, IJob =>
        services.AddQuartz(q => q.ScheduleJob<TJob>(trigger => trigger
            .WithIdentity(typeof(TJob).Name)
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()),
            job => job.WithIdentity(typeof(TJob).Name)));

    /// <summary>Runs <typeparamref name="TJob"/> on a Quartz cron schedule in Europe/Amsterdam, once across the cluster.</summary>
    public static IServiceCollection AddPortalJob<TJob>(this IServiceCollection services, string cron) where TJob : class, IJob =>
        services.AddQuartz(q => q.ScheduleJob<TJob>(trigger => trigger
            .WithIdentity(typeof(TJob).Name)
            .WithCronSchedule(cron, s => s.InTimeZone(TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam"))),
            job => job.WithIdentity(typeof(TJob).Name)));

    /// <summary>The Quartz scheduler name of one instance in the shared tables.</summary>
    public static string SchedulerName(string instanceId) => $"portal-{instanceId}";

    private static string PortalConnectionString(IConfiguration configuration)
    {
        var cs = configuration.GetConnectionString("Portal");
        return !string.IsNullOrWhiteSpace(cs) ? cs : configuration[$"{StorageOptions.Section}:ConnectionString"] ?? new StorageOptions().ConnectionString;
    }
}
