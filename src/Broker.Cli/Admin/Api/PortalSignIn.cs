using System.Net;
using System.Text.RegularExpressions;

namespace Broker.Cli.Admin.Api;

/// <summary>
/// Signs in with a user name and password the way a browser does — fetch the portal's login form,
/// post it back with its antiforgery token — and yields the session cookie. The API itself takes
/// only tokens; this session is used once, to create one.
/// </summary>
internal static partial class PortalSignIn
{
    private const string LoginPath = "Account/Login";

    /// <summary>The <c>Cookie</c> header of a signed-in session.</summary>
    public static async Task<string> SignInAsync(HttpClient http, string user, string password, CancellationToken cancellationToken)
    {
        var cookies = new CookieContainer();
        var loginUri = new Uri(http.BaseAddress!, LoginPath);
        string form;
        using (var page = await http.GetAsync(loginUri, cancellationToken).ConfigureAwait(false))
        {
            Remember(cookies, loginUri, page);
            form = await page.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (page.StatusCode != HttpStatusCode.OK || TokenPattern().Match(form) is not { Success: true })
            {
                throw new BrokerUnreachableException($"{http.BaseAddress} has no broker login form ({(int)page.StatusCode} {page.StatusCode} at /{LoginPath}).");
            }
        }

        using var post = new HttpRequestMessage(HttpMethod.Post, loginUri)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Input.UserName"] = user,
                ["Input.Password"] = password,
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(TokenPattern().Match(form).Groups[1].Value),
            }),
        };
        post.Headers.Add("Cookie", cookies.GetCookieHeader(loginUri));
        using var answer = await http.SendAsync(post, cancellationToken).ConfigureAwait(false);
        Remember(cookies, loginUri, answer);
        return answer.StatusCode switch
        {
            HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther => cookies.GetCookieHeader(loginUri),
            HttpStatusCode.TooManyRequests => throw new ApiRefusedException(answer.StatusCode, "429 TooManyRequests: too many login attempts; wait a moment and try again."),
            HttpStatusCode.OK => throw new ApiRefusedException(HttpStatusCode.Unauthorized, "login refused: invalid user name or password, or the account is locked."),
            _ => throw new ApiRefusedException(answer.StatusCode, $"login refused: {(int)answer.StatusCode} {answer.StatusCode}."),
        };
    }

    private static void Remember(CookieContainer cookies, Uri uri, HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                cookies.SetCookies(uri, setCookie);
            }
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
