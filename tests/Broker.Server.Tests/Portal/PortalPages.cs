using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Broker.Server.Tests.Portal;

/// <summary>Reads portal pages as HTML documents and posts their forms back with the antiforgery token, as a browser would.</summary>
internal static class PortalPages
{
    private static readonly HtmlParser Parser = new();

    /// <summary>Fetches <paramref name="path"/>; it must answer 200.</summary>
    public static async Task<IDocument> GetAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"GET {path}");
        return await ParseAsync(response, cancellationToken);
    }

    public static async Task<IDocument> ParseAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await Parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync(cancellationToken), cancellationToken);

    /// <summary>Posts <paramref name="fields"/> to <paramref name="action"/> with the antiforgery token of <paramref name="formPage"/>.</summary>
    public static async Task<HttpResponseMessage> PostAsync(
        HttpClient client,
        string formPage,
        string action,
        IEnumerable<KeyValuePair<string, string>> fields,
        CancellationToken cancellationToken)
    {
        var token = await PortalClient.AntiforgeryTokenAsync(client, formPage, cancellationToken);
        using var form = new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)]);
        return await client.PostAsync(new Uri(action, UriKind.Relative), form, cancellationToken);
    }

    /// <summary>Posts a form that should redirect (post/redirect/get) and returns the page redirected to.</summary>
    public static async Task<IDocument> PostAndFollowAsync(
        HttpClient client,
        string formPage,
        string action,
        IEnumerable<KeyValuePair<string, string>> fields,
        CancellationToken cancellationToken)
    {
        using var response = await PostAsync(client, formPage, action, fields, cancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"POST {action}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return await GetAsync(client, response.Headers.Location!.OriginalString, cancellationToken);
    }

    /// <summary>The text of the notice a redirected form post left, or null.</summary>
    public static string? Notice(IDocument page) => page.GetElementById("notice")?.TextContent.Trim();

    /// <summary>The error shown beside the input named <paramref name="field"/>, or empty.</summary>
    public static string FieldError(IDocument page, string field) =>
        page.QuerySelector($"[data-valmsg-for='{field}']")?.TextContent.Trim() ?? string.Empty;

    public static KeyValuePair<string, string> Field(string name, string value) => new(name, value);
}
