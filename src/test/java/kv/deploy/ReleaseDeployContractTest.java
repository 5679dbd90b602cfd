package kv.deploy;

import static kv.deploy.RedisMasterChecks.at;
import static kv.deploy.RedisMasterChecks.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * release.yml's deploy job names a StatefulSet and a container (`kubectl set image
 * statefulset/S C=IMAGE`): both must exist in what the two installs render, or the rollout
 * fails on the cluster with "unable to find container named".
 */
class ReleaseDeployContractTest {

    @Test
    void deployJobNamesTheRenderedStatefulSetAndContainer() throws Exception {
        String release = Files.readString(DeployTools.ROOT.resolve(".github/workflows/release.yml"));
        Matcher m = Pattern.compile("kubectl set image statefulset/([\\w-]+) \"([\\w-]+)=").matcher(release);
        assertTrue(m.find(), "release.yml runs kubectl set image statefulset/NAME \"CONTAINER=...\"");
        String statefulSet = m.group(1);
        String container = m.group(2);
        Matcher rollout = Pattern.compile("kubectl rollout status statefulset/([\\w-]+)").matcher(release);
        assertTrue(rollout.find());
        assertEquals(statefulSet, rollout.group(1), "the rollout waits for the StatefulSet it changed");

        List<JsonObject> kustomize = DeployTools.validate(DeployTools.kustomize(
                KustomizeManifestsTest.copy("kustomize-release", "ghcr.io/acme/kv:1.0.0")));
        List<JsonObject> helm = DeployTools.validate(DeployTools.helmTemplate("redis", "--set", "image.repository=acme/kv"));
        for (List<JsonObject> objects : List.of(kustomize, helm)) {
            JsonObject sts = find(objects, "StatefulSet", statefulSet);
            assertEquals(container, at(sts, "spec.template.spec.containers.0").asJsonObject().getString("name"),
                    "container name `kubectl set image` uses");
        }
    }
}
