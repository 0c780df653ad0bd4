using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Broker.Server.Bench;

/// <summary>
/// The broker's REST API as the set-up and the check-out race use it: a portal sign-in (form plus
/// antiforgery token) to create a personal access token, then bearer calls under <c>/api/v1</c>.
/// Answers are read as JSON nodes; a refused call throws with the status and body.
/// </summary>
internal sealed partial class BrokerApi(HttpClient http, string token)
{
    /// <summary>Signs <paramref name="user"/> in through the portal and creates a token with <paramref name="scopes"/>.</summary>
    public static async Task<BrokerApi> SignInAsync(HttpClient http, string user, string password, string[] scopes, CancellationToken cancellationToken)
    {
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        var login = new Uri("Account/Login", UriKind.Relative);
        using var form = await http.GetAsync(login, cancellationToken);
        Keep(cookies, form);
        var page = await form.Content.ReadAsStringAsync(cancellationToken);
        var antiforgery = AntiforgeryField().Match(page);
        if (!antiforgery.Success)
        {
            throw new InvalidOperationException($"No antiforgery token on the login page ({(int)form.StatusCode}).");
        }

        using var post = new HttpRequestMessage(HttpMethod.Post, login)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Input.UserName"] = user,
                ["Input.Password"] = password,
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery.Groups[1].Value),
            }),
        };
        post.Headers.Add("Cookie", CookieHeader(cookies));
        using var signedIn = await http.SendAsync(post, cancellationToken);
        Keep(cookies, signedIn);
        if (signedIn.StatusCode is not (HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.Redirect))
        {
            throw new InvalidOperationException($"Login of {user} refused: {(int)signedIn.StatusCode}.");
        }

        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri("api/v1/me/tokens", UriKind.Relative))
        {
            Content = JsonContent.Create(new { name = "bench", scopes, validDays = 1 }),
        };
        create.Headers.Add("Cookie", CookieHeader(cookies));
        using var created = await http.SendAsync(create, cancellationToken);
        var body = await ReadAsync(created, cancellationToken);
        return new BrokerApi(http, body["token"]!.GetValue<string>());
    }

    /// <summary>The bearer token this client sends.</summary>
    public string Token => token;

    public Task<JsonNode> PostAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body, cancellationToken);

    public Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>Sends without judging the answer: the status and body as they came.</summary>
    public async Task<(HttpStatusCode Status, string Body)> TryPostAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, path, body);
        using var response = await http.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, body);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} gave {(int)response.StatusCode}: {text}", null, response.StatusCode);
        }

        return JsonNode.Parse(text) ?? throw new JsonException($"{response.RequestMessage?.RequestUri} answered no JSON.");
    }

    private static void Keep(Dictionary<string, string> cookies, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            return;
        }

        foreach (var value in values)
        {
            var pair = value.Split(';', 2)[0];
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            cookies[pair[..equals]] = pair[(equals + 1)..];
        }
    }

    private static string CookieHeader(Dictionary<string, string> cookies) =>
        string.Join("; ", cookies.Select(cookie => $"{cookie.Key}={cookie.Value}"));

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
