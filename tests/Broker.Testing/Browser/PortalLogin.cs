using Microsoft.Playwright;

namespace Broker.Testing.Browser;

/// <summary>The portal's login form, driven in a page the way a user fills it in.</summary>
public static class PortalLogin
{
    /// <summary>Opens the login page, logs in as <paramref name="userName"/> and waits for the home page.</summary>
    public static async Task LogInAsync(IPage page, string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input_UserName", userName);
        await page.FillAsync("#Input_Password", password);
        await page.ClickAsync("button[type=submit]");
        await WaitForHomePageAsync(page, userName);
    }

    /// <summary>
    /// Waits until the page shows the home page signed in as <paramref name="userName"/>. Waits for
    /// the home page's own element, not for the redirect's navigation: Playwright's URL wait, when
    /// the redirect has already committed before the wait starts, waits for a load state that never
    /// comes (seen as a 120 s timeout on fast logins). A timeout says where the page stopped and
    /// what it shows.
    /// </summary>
    public static async Task WaitForHomePageAsync(IPage page, string userName)
    {
        ArgumentNullException.ThrowIfNull(page);
        string? signedInAs;
        try
        {
            signedInAs = await page.TextContentAsync("#user-name");
        }
        catch (TimeoutException stuck)
        {
            var shown = await page.InnerTextAsync("body", new PageInnerTextOptions { Timeout = 5_000 });
            throw new TimeoutException($"Logging in as {userName} did not reach the home page: the page is {page.Url} and shows: {shown[..Math.Min(shown.Length, 800)]}", stuck);
        }

        if (signedInAs != userName || new Uri(page.Url).AbsolutePath != "/")
        {
            throw new InvalidOperationException($"Logging in as {userName} reached {page.Url} signed in as '{signedInAs}'.");
        }
    }
}
