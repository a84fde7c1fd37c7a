using Marketplace.Platform.Http;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Marketplace.Api;

/// <summary>
/// Adds what an endpoint reads or writes outside its bound parameters to its OpenAPI operation: the query parameters of
/// <see cref="QueryParameterDoc"/>, a streamed body (<see cref="StreamedBodyDoc"/>), request headers
/// (<see cref="HeaderParameterDoc"/>) and response headers (<see cref="ResponseHeaderDoc"/>).
/// </summary>
internal sealed class QueryParameterDocsFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<StreamedBodyDoc>().FirstOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Description = body.Description,
                Required = true,
                Content = body.MediaTypes.ToDictionary(
                    type => type,
                    _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } }),
            };
        }

        AddHeaders(operation, metadata);
        var docs = metadata.OfType<QueryParameterDoc>().ToList();
        if (docs.Count == 0)
        {
            return;
        }

        operation.Parameters ??= [];
        foreach (var doc in docs)
        {
            var schema = new OpenApiSchema
            {
                Type = doc.Type switch
                {
                    QueryParameterType.WholeNumber => JsonSchemaType.Integer,
                    QueryParameterType.Amount => JsonSchemaType.Number,
                    QueryParameterType.Flag => JsonSchemaType.Boolean,
                    _ => JsonSchemaType.String,
                },
                Format = doc.Type == QueryParameterType.Uuid ? "uuid" : null,
            };
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = doc.Name,
                In = ParameterLocation.Query,
                Description = doc.Description,
                Schema = doc.Repeatable ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = schema } : schema,
                Explode = true,
                Deprecated = doc.Deprecated,
            });
        }
    }

    private static void AddHeaders(OpenApiOperation operation, IList<object> metadata)
    {
        foreach (var header in metadata.OfType<HeaderParameterDoc>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Description = header.Description,
                Required = header.Required,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = header.MaxLength },
            });
        }

        foreach (var header in metadata.OfType<ResponseHeaderDoc>())
        {
            if (operation.Responses?.TryGetValue(header.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) is true
                && response is OpenApiResponse concrete)
            {
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                concrete.Headers[header.Name] = new OpenApiHeader
                {
                    Description = header.Description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }
        }
    }
}
