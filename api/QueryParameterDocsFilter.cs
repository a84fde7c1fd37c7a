using Marketplace.Platform.Http;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Marketplace.Api;

/// <summary>Adds the query parameters an endpoint documents with <see cref="QueryParameterDoc"/> metadata to its OpenAPI operation.</summary>
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
}
