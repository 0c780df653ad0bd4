using Broker.Server.Desktops;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Broker.Server.Portal;

/// <summary>
/// The one-line message a page shows after a form post redirected back to it (post/redirect/get):
/// kept in TempData for exactly one request and shown by the layout.
/// </summary>
internal static class Notice
{
    /// <summary>TempData key of a success message.</summary>
    public const string DoneKey = "notice.done";

    /// <summary>TempData key of a refusal or error message.</summary>
    public const string ProblemKey = "notice.problem";

    public static void Done(ITempDataDictionary tempData, string message)
    {
        ArgumentNullException.ThrowIfNull(tempData);
        tempData[DoneKey] = message;
    }

    public static void Problem(ITempDataDictionary tempData, string message)
    {
        ArgumentNullException.ThrowIfNull(tempData);
        tempData[ProblemKey] = message;
    }

    /// <summary>Records how a desktop action named <paramref name="action"/> (e.g. "Start") ended, in words for people.</summary>
    public static void For(ITempDataDictionary tempData, DesktopActionResult result, string action)
    {
        ArgumentNullException.ThrowIfNull(result);
        switch (result.Outcome)
        {
            case DesktopActionOutcome.Done:
                Done(tempData, $"{action}: done.");
                break;
            case DesktopActionOutcome.NotFound:
                Problem(tempData, $"{action} failed: there is no such desktop, or it is not yours.");
                break;
            case DesktopActionOutcome.InvalidDevice:
                Problem(tempData, $"{action} failed: choose one of your own devices.");
                break;
            case DesktopActionOutcome.Refused or DesktopActionOutcome.Conflict:
                Problem(tempData, $"{action} was refused: {Explain(result)}");
                break;
            default:
                throw new InvalidOperationException($"Unknown outcome {result.Outcome}.");
        }
    }

    private static string Explain(DesktopActionResult result) => result.Reason switch
    {
        "IllegalTransition" => "that is not possible in the desktop's current state.",
        "StaleEpoch" or "UnknownEpoch" => "the desktop changed since this page was loaded. Reload it and try again.",
        _ => result.Detail!,
    };
}
