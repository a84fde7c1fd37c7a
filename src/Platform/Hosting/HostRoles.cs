using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Platform.Hosting;

/// <summary>What a process of the marketplace does (<c>Host:Role</c>, or <c>--role</c> on the command line).</summary>
public enum HostRole
{
    /// <summary>Everything in one process: the embedded profile, development, and the tests.</summary>
    All,

    /// <summary>An API replica behind the balancer: every route, and only the work each replica needs for itself.</summary>
    Api,

    /// <summary>
    /// The worker: the shared consumers, timers, sweepers and payouts, and no route but the health probes. Several may
    /// run: every job claims its rows (<c>FOR UPDATE SKIP LOCKED</c>, leases) and every consumer is idempotent.
    /// </summary>
    Worker,
}

/// <summary>Reads the role, and registers what only some roles run.</summary>
public static class HostRoles
{
    public const string Key = "Host:Role";

    /// <summary>The role configured under <c>Host:Role</c>; an unknown value stops start-up, naming the choices.</summary>
    public static HostRole Of(IConfiguration configuration)
    {
        var value = configuration[Key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return HostRole.All;
        }

        return Enum.TryParse<HostRole>(value.Trim(), ignoreCase: true, out var role) && Enum.IsDefined(role) && !int.TryParse(value, out _)
            ? role
            : throw new InvalidOperationException($"{Key} is '{value}'; use all, api or worker.");
    }

    /// <summary>Records the process's role for the registrations that follow; call first.</summary>
    public static IServiceCollection AddHostRole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new HostRoleSetting(Of(configuration)));
        return services;
    }

    /// <summary>The role recorded by <see cref="AddHostRole"/>; <see cref="HostRole.All"/> when none was (hosts built for one test).</summary>
    public static HostRole Role(this IServiceCollection services) =>
        services.LastOrDefault(d => d.ServiceType == typeof(HostRoleSetting))?.ImplementationInstance is HostRoleSetting setting ? setting.Role : HostRole.All;

    public static bool RunsSharedWork(this HostRole role) => role != HostRole.Api;

    public static bool ServesApi(this HostRole role) => role != HostRole.Worker;

    /// <summary>
    /// A job of the whole marketplace rather than of one replica (a sweeper, a scheduler, a dispatcher): run by the
    /// worker, or by the single process of <see cref="HostRole.All"/>, never by an API replica.
    /// </summary>
    public static IServiceCollection AddSharedWork<T>(this IServiceCollection services)
        where T : class, IHostedService
    {
        if (services.Role().RunsSharedWork())
        {
            services.AddHostedService<T>();
        }

        return services;
    }

    /// <inheritdoc cref="AddSharedWork{T}(IServiceCollection)"/>
    public static IServiceCollection AddSharedWork<T>(this IServiceCollection services, Func<IServiceProvider, T> create)
        where T : class, IHostedService
    {
        if (services.Role().RunsSharedWork())
        {
            services.AddHostedService(create);
        }

        return services;
    }
}

/// <summary>The role of this process, as registered.</summary>
public sealed record HostRoleSetting(HostRole Role);
