using System.Net;
using System.Text.RegularExpressions;

namespace Broker.Server.Tests;

/// <summary>Drives the portal's forms the way a browser does: fetch the form, post it back with its antiforgery token.</summary>
internal static partial class PortalClient
{
    public const string LoginPath = "/Account/Login";

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string formPath, CancellationToken cancellationToken)
    {
        var html = await client.GetStringAsync(new Uri(formPath, UriKind.Relative), cancellationToken);
        var match = TokenPattern().Match(html);
        match.Success.ShouldBeTrue($"no antiforgery token on {formPath}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts the login form; the client should not follow redirects, so success shows as 302.</summary>
    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string userName, string password, CancellationToken cancellationToken)
    {
        var token = await AntiforgeryTokenAsync(client, LoginPath, cancellationToken);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
            ["__RequestVerificationToken"] = token,
        });
        return await client.PostAsync(new Uri(LoginPath, UriKind.Relative), form, cancellationToken);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
