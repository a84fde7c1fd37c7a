using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Platform.Http;

/// <summary>
/// Turns failures the framework raises on bad input (malformed JSON, wrong types, oversized bodies)
/// into RFC 9457 problem+json 4xx answers. Anything else stays a logged 500.
/// </summary>
internal sealed class BadInputExceptionHandler(IProblemDetailsService problems, ILogger<BadInputExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Describe(exception);
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled failure on {Method} {Path}", context.Request.Method, context.Request.Path);
            return false;
        }

        context.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    internal static ProblemDetails? Describe(Exception exception)
    {
        switch (exception)
        {
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } tooLarge:
                return new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Request body too large",
                    Detail = tooLarge.Message,
                };
            case BadHttpRequestException bad:
                var inner = FindJsonException(bad);
                return inner is null
                    ? new ProblemDetails { Status = bad.StatusCode, Title = "Bad request", Detail = bad.Message }
                    : JsonProblem(inner);
            case JsonException json:
                return JsonProblem(json);
            default:
                return null;
        }
    }

    private static JsonException? FindJsonException(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    private static ValidationProblemDetails JsonProblem(JsonException json)
    {
        var field = string.IsNullOrEmpty(json.Path) ? "$" : json.Path;
        return new ValidationProblemDetails(new Dictionary<string, string[]>
        {
            [field] = [$"The value could not be read as JSON of the expected type (line {json.LineNumber}, position {json.BytePositionInLine})."],
        })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request body is not valid JSON for this endpoint",
        };
    }
}

public static class ProblemHandlingRegistration
{
    /// <summary>Problem+json for every error answer, including the framework's own 4xx and 5xx.</summary>
    public static IServiceCollection AddMarketplaceProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = TraceId(context.HttpContext);
        });
        services.AddExceptionHandler<BadInputExceptionHandler>();

        // Outside Development, minimal APIs answer an unreadable body with a bare 400 that names no field;
        // throwing lets BadInputExceptionHandler say which field was wrong.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// The W3C trace id of the request, as its log lines carry it (<c>TraceId</c>) and as a trace backend finds it, so
    /// that a client quoting a problem leads to both; the server's own request id only where no activity runs.
    /// </summary>
    internal static string TraceId(HttpContext http) =>
        http.Features.Get<IHttpActivityFeature>()?.Activity is { IdFormat: ActivityIdFormat.W3C } request
            ? request.TraceId.ToHexString()
            : http.TraceIdentifier;
}
