namespace CrashLab.Harness.Campaigns;

/// <summary>Shows a running campaign to a person (the CLI's live display on a terminal); without one, plain lines go to <see cref="CampaignSettings.Progress"/>.</summary>
public interface IProgressView
{
    /// <summary>About once a second while the campaign runs.</summary>
    void Update(CampaignTally tally);

    /// <summary>The campaign ended: draw the last state and let go of the terminal.</summary>
    void Complete(CampaignTally tally);
}
