import { dispatchGitHubAction } from '../src/hosts/github-dispatch';

void dispatchGitHubAction();
