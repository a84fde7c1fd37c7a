using System.Linq.Expressions;
using System.Net;
using FluentValidation;
using Marketplace.Notifications.Dispatch;

namespace Marketplace.Notifications.Webhooks;

/// <summary>
/// What registration refuses on sight: a URL that is not absolute https, that carries credentials or a fragment, or
/// whose host is a refused address or a loopback name. A name is not resolved here: its addresses can change at any
/// time, so the guard vets them again at every connection.
/// </summary>
internal static class WebhookUrlRules
{
    public static string? Refusal(string url, bool allowLoopback)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return "Must be an absolute https URL.";
        }

        var host = uri.Host.Trim('[', ']');
        var loopbackName = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        var literal = IPAddress.TryParse(host, out var address) ? address : null;
        var toLoopback = loopbackName || (literal is not null && AddressPolicy.IsLoopback(literal));
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && allowLoopback && toLoopback))
        {
            return "Must be an https URL.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "Must not carry a user name or password; authenticate the webhook by its signature.";
        }

        if (uri.Fragment.Length > 0)
        {
            return "Must not have a fragment (#…).";
        }

        if (loopbackName && !allowLoopback)
        {
            return $"Must not point at this host ({uri.Host}).";
        }

        if (literal is not null && AddressPolicy.Refusal(literal, allowLoopback) is { } reason)
        {
            return $"Must point at a public address: {reason}.";
        }

        return null;
    }

    /// <summary>The rules of a request's <c>url</c> and <c>eventTypes</c>, shared by create and update.</summary>
    public static void Target<T>(AbstractValidator<T> validator, Expression<Func<T, string?>> url, Expression<Func<T, IReadOnlyList<string>?>> eventTypes, bool allowLoopback)
    {
        validator.RuleFor(url)
            .NotEmpty()
            .MaximumLength(WebhookEndpoint.MaxUrlLength)
            .Custom((value, context) =>
            {
                if (!string.IsNullOrEmpty(value) && value.Length <= WebhookEndpoint.MaxUrlLength && Refusal(value, allowLoopback) is { } refusal)
                {
                    context.AddFailure(refusal);
                }
            });
        validator.RuleFor(eventTypes)
            .NotEmpty().WithMessage($"Name at least one event type: {WebhookEventTypes.Listed}.")
            .Custom((types, context) =>
            {
                // Each refused element is named by its index, as every list of every request body is.
                for (var i = 0; types is not null && i < types.Count; i++)
                {
                    if (types[i] is null || !WebhookEventTypes.Subscribable.Contains(types[i], StringComparer.Ordinal))
                    {
                        context.AddFailure($"{context.PropertyPath}[{i}]", types[i] is null
                            ? "An event type must not be null."
                            : $"Each event type must be one of {WebhookEventTypes.Listed}.");
                    }
                }
            });
    }
}
