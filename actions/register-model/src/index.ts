import { runGitHubAction } from '../../../shared/src/hosts/github';
import { registerModelStep } from '../../../shared/src/steps/register-model/definition';

void runGitHubAction(registerModelStep);
