using MassTransit;
using Marketplace.Identity.Contracts;
using Marketplace.Notifications.Contracts;
using Marketplace.Notifications.Email.Templates;
using Marketplace.Platform.Http;
using Microsoft.Extensions.Options;

namespace Marketplace.Notifications.Email.Mailers;

/// <summary>
/// The mails Identity's notices and the webhook sender ask for: the owner of a taken address told of a registration
/// attempt (at most once per <c>AccountNoticeWindow</c>), an invitee given the invitation's code (in the mail only),
/// and a seller's owner told that an endpoint was disabled. Accounts hold no language, so these go in the default one.
/// </summary>
internal sealed class AccountNoticeMailer(IAccountDirectory accounts, MailQueue queue, IOptions<EmailOptions> options)
    : IConsumer<EmailAlreadyRegistered>, IConsumer<SellerInvitationCreated>, IConsumer<WebhookEndpointDisabled>
{
    private const string Language = CustomerLanguages.Default;

    public async Task Consume(ConsumeContext<EmailAlreadyRegistered> context)
    {
        var notice = context.Message;

        // Repeats within one window share a key: the unique index collapses them into the first mail.
        var window = notice.AttemptedAt.UtcTicks / options.Value.AccountNoticeWindow.Ticks;
        await queue.EnqueueAsync(
            $"{MailKinds.AccountAlreadyExists}:{window}", MailKinds.AccountAlreadyExists, Language, notice.Email,
            MailTemplates.AccountAlreadyExists(Language, notice.AttemptedAt), context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<SellerInvitationCreated> context)
    {
        var invitation = context.Message;
        await queue.EnqueueAsync(
            $"{MailKinds.SellerInvitation}:{invitation.InvitationId}", MailKinds.SellerInvitation, Language, invitation.Email,
            MailTemplates.SellerInvitation(Language, invitation.SellerName, invitation.Code, invitation.ExpiresAt), context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<WebhookEndpointDisabled> context)
    {
        var disabled = context.Message;
        if (await accounts.SellerAsync(disabled.SellerId, context.CancellationToken) is not { OwnerEmail: { } owner } seller)
        {
            return;
        }

        await queue.EnqueueAsync(
            $"{MailKinds.WebhookEndpointDisabled}:{disabled.EndpointId}:{disabled.DisabledAt.UtcTicks}", MailKinds.WebhookEndpointDisabled, Language, owner,
            MailTemplates.WebhookEndpointDisabled(Language, seller.Name, disabled.Url, disabled.Reason, disabled.DisabledAt), context.CancellationToken);
    }
}
