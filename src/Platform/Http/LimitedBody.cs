using System.Text;
using Microsoft.AspNetCore.Http;

namespace Marketplace.Platform.Http;

/// <summary>Reads a request body that must be read whole (a signed webhook) without letting its sender choose how much memory it takes.</summary>
public static class LimitedBody
{
    /// <returns>The body as UTF-8 text, or null when it declares or turns out to be longer than <paramref name="limit"/> bytes.</returns>
    public static async Task<string?> ReadTextAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
