using System.Net;
using System.Text;
using System.Text.Json;

namespace Broker.Cli.Admin.Api;

/// <summary>Turns an error answer of the broker into one readable line.</summary>
internal static class ProblemText
{
    public static string Describe(HttpStatusCode status, string body)
    {
        var code = $"{(int)status} {status}";
        switch (status)
        {
            case HttpStatusCode.Unauthorized:
                return $"{code}: not signed in, or the token is expired or revoked; run 'brokerctl admin login' or give --token.";
            case HttpStatusCode.Forbidden:
                return $"{code}: this user or token may not do that (needs the Admin role and a token with the admin scope).";
        }

        var problem = Parse(body);
        if (problem is null)
        {
            return $"{code}: the broker gave no details.";
        }

        var text = new StringBuilder(code).Append(": ").Append(problem.Title ?? "refused");
        if (!string.IsNullOrWhiteSpace(problem.Detail))
        {
            text.Append(' ').Append(problem.Detail);
        }

        foreach (var (field, messages) in problem.Errors ?? [])
        {
            text.Append(' ').Append(field).Append(": ").Append(string.Join(' ', messages));
        }

        if (problem.Reason is { } reason)
        {
            text.Append(" (reason: ").Append(reason).Append(')');
        }

        return text.ToString().ReplaceLineEndings(" ");
    }

    private static ProblemInfo? Parse(string body)
    {
        try
        {
            return string.IsNullOrWhiteSpace(body) ? null : JsonSerializer.Deserialize(body, ApiJsonContext.Default.ProblemInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
