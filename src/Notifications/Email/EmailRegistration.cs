using Marketplace.Notifications.Email.Mailers;
using Marketplace.Notifications.Email.Transport;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Notifications.Email;

internal static class EmailRegistration
{
    /// <summary>
    /// The mail outbox, its dispatcher, the mailers on the bus, and the transport: SMTP when
    /// <c>Notifications:Email:Smtp:Host</c> is set (the server profile), else the log (the embedded profile's default).
    /// </summary>
    public static IServiceCollection AddCustomerEmail(this IServiceCollection services, IConfiguration configuration)
    {
        const string s = EmailOptions.Section;
        services.AddOptions<EmailOptions>()
            .Bind(configuration.GetSection(s))
            .Validate(o => MimeKit.MailboxAddress.TryParse(o.FromAddress, out _), $"{s}:FromAddress must be an email address.")
            .Validate(o => o.DispatchBatchSize > 0 && o.DispatchConcurrency > 0, $"{s}:DispatchBatchSize and DispatchConcurrency must be above zero.")
            .Validate(o => o.DispatchInterval > TimeSpan.Zero && o.PurgeInterval > TimeSpan.Zero && o.Retention > TimeSpan.Zero,
                $"{s}:DispatchInterval, PurgeInterval and Retention must be above zero.")
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero && o.RetryMaxDelay >= o.RetryBaseDelay && o.MaxMailAge > TimeSpan.Zero,
                $"{s}:RetryBaseDelay and MaxMailAge must be above zero and RetryMaxDelay at least RetryBaseDelay.")
            .Validate(o => o.AccountNoticeWindow > TimeSpan.Zero, $"{s}:AccountNoticeWindow must be above zero.")
            .Validate(o => o.Smtp.Timeout > TimeSpan.Zero && o.ClaimLease > o.Smtp.Timeout,
                $"{s}:Smtp:Timeout must be above zero, and ClaimLease longer than it.")
            .Validate(o => !o.Smtp.IsConfigured || o.Smtp.Port is > 0 and < 65536, $"{s}:Smtp:Port must be a TCP port.")
            .ValidateOnStart();

        var smtp = configuration.GetSection($"{s}:Smtp").Get<SmtpSettings>() ?? new SmtpSettings();
        if (smtp.IsConfigured)
        {
            services.AddSingleton<IMailTransport, SmtpMailTransport>();
        }
        else
        {
            services.AddSingleton<IMailTransport, LogMailTransport>();
        }

        services.AddSingleton(sp => new ComponentAdapter("email", sp.GetRequiredService<IMailTransport>().Description));
        services.AddScoped<MailQueue>();
        services.AddSharedWork<MailDispatcher>();
        services.Messaging().AddConsumers(bus =>
        {
            bus.AddConsumer<OrderMailer>(typeof(BatchedConsumerDefinition<OrderMailer>));
            bus.AddConsumer<AccountNoticeMailer>();
            bus.AddConsumer<SellerOrderMailer>();
        });
        return services;
    }
}
