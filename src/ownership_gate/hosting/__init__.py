"""The code hosts the gate talks to: GitHub's and GitLab's REST APIs, the comment it keeps."""
